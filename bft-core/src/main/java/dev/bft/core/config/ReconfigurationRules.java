package dev.bft.core.config;

import dev.bft.core.protocol.Epochs;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The epoch rules of a configuration: an administrator's request is a {@link Reconfiguration} of
 * this epoch, approved by {@code adminQuorum} distinct administrators, whose changes make a valid
 * configuration; anything else an administrator sends is refused with the reason as its result.
 * The signatures themselves are checked where requests are decoded (the replica's core does no
 * cryptography); here only that enough distinct administrators approved.
 */
public final class ReconfigurationRules implements Epochs {
  /** An administrator's operation that asks whether this epoch has started, and where (VR Revisited's CheckEpoch). */
  public static final byte[] CHECK_EPOCH = "CHECK-EPOCH".getBytes(StandardCharsets.US_ASCII);

  private final ClusterConfig current;
  /** The configurations this epoch's reconfigurations made, by digest: the shell's, to start the next epoch with. */
  private final java.util.Map<dev.bft.crypto.Digest, ClusterConfig> made = new java.util.concurrent.ConcurrentHashMap<>();

  public ReconfigurationRules(ClusterConfig current) {
    this.current = current;
  }

  @Override
  public long epoch() {
    return current.epoch();
  }

  @Override
  public long startSequence() {
    return current.start().sequence();
  }

  @Override
  public dev.bft.crypto.Digest startState() {
    return current.start().state();
  }

  @Override
  public boolean administrator(int client) {
    return current.admins().containsKey(client);
  }

  @Override
  public Verdict check(int client, byte[] operation) {
    if (!administrator(client)) {
      return null;
    }
    if (java.util.Arrays.equals(operation, CHECK_EPOCH)) {
      return new Answer(started(current).getBytes(StandardCharsets.US_ASCII));
    }
    try {
      Reconfiguration r = Reconfiguration.decode(operation);
      Set<Integer> approvers = new HashSet<>();
      r.approvals().forEach(a -> {
        if (administrator(a.admin())) {
          approvers.add(a.admin());
        }
      });
      if (approvers.size() < current.adminQuorum()) {
        throw new IllegalArgumentException(approvers.size() + " administrators approved it; " + current.adminQuorum()
            + " must");
      }
      ClusterConfig next = r.applyTo(current);
      dev.bft.crypto.Digest digest = Configurations.digest(next);
      made.put(digest, next);
      return new Ends(digest);
    } catch (IllegalArgumentException e) {
      return new Answer(("refused: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The configuration of digest {@code digest} a reconfiguration of this epoch made here, or null. */
  public ClusterConfig made(dev.bft.crypto.Digest digest) {
    return made.get(digest);
  }

  /** CHECK-EPOCH's answer: {@code "epoch <e> started at <sequence> <state digest hex> <configuration digest hex>"}. */
  public static String started(ClusterConfig c) {
    java.util.HexFormat hex = java.util.HexFormat.of();
    return "epoch " + c.epoch() + " started at " + c.start().sequence() + " " + hex.formatHex(c.start().state().bytesUnsafe())
        + " " + hex.formatHex(Configurations.digest(c).bytesUnsafe());
  }
}
