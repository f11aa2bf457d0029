package dev.bft.adversary.replica;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.crypto.Digest;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A backup that votes for digests it never received: every PREPARE and COMMIT names a random
 * digest (a different one per destination, so it also votes for conflicting digests), and every
 * CHECKPOINT claims a wrong state digest. The invariants it attacks: agreement, and that a
 * checkpoint never becomes stable on a wrong digest.
 */
public final class LyingBackup implements OutboundFilter {
  private final SplittableRandom random;

  public LyingBackup(long seed) {
    this.random = new SplittableRandom(seed);
  }

  private Digest lie() {
    byte[] b = new byte[Digest.SIZE];
    random.nextBytes(b);
    return Digest.of(b);
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (message instanceof Prepare p) {
      return List.of(new Outbound(to, new Prepare(p.view(), p.sequence(), lie(), self, null)));
    } else if (message instanceof Commit c) {
      return List.of(new Outbound(to, new Commit(c.view(), c.sequence(), lie(), self, null)));
    } else if (message instanceof Checkpoint c) {
      return List.of(new Outbound(to, new Checkpoint(c.sequence(), lie(), self, null)));
    }
    return List.of(new Outbound(to, message));
  }
}
