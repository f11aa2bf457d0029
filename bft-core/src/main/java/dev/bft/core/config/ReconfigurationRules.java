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
  private final ClusterConfig current;

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
      return new Ends(Configurations.digest(r.applyTo(current)));
    } catch (IllegalArgumentException e) {
      return new Refused(("refused: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
    }
  }
}
