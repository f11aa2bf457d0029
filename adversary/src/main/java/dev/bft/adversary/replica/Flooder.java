package dev.bft.adversary.replica;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Status;
import dev.bft.core.message.ViewChange;
import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A replica that, with every message it sends, floods the receiver with 50 well-formed messages in
 * its own name for far-future sequence numbers, future views, random checkpoints and STATUS
 * requests. The invariants it attacks: bounded state (nothing outside the window is stored, votes
 * beyond it are capped per sender) and liveness (retransmission answers are rate-limited).
 */
public final class Flooder implements OutboundFilter {
  private final SplittableRandom random;

  public Flooder(long seed) {
    this.random = new SplittableRandom(seed);
  }

  private Digest junk() {
    byte[] b = new byte[Digest.SIZE];
    random.nextBytes(b);
    return Digest.of(b);
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    List<Outbound> out = new ArrayList<>();
    out.add(new Outbound(to, message));
    for (int i = 0; i < 50; i++) {
      long seq = 1 + random.nextLong(1L << 40);
      long view = random.nextLong(1_000);
      ReplicaMessage m = switch (random.nextInt(5)) {
        case 0 -> new Prepare(view, seq, junk(), self, null);
        case 1 -> new Commit(view, seq, junk(), self, null);
        case 2 -> new Checkpoint(seq * 8, junk(), self, null);
        case 3 -> new Status(view, random.nextLong(1L << 40), self, null);
        default -> new ViewChange(1 + view, 0, List.of(), List.of(), self, null);
      };
      out.add(new Outbound(to, m));
    }
    return out;
  }
}
