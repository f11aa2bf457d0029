package dev.bft.adversary.replica;

import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A replica that, besides every message it sends, re-sends three of its old messages (from earlier
 * views and sequence numbers) to random peers. The invariant it attacks: stale messages are dropped
 * (outside the window, wrong view, duplicate) and never change a correct replica's decisions.
 */
public final class Replayer implements OutboundFilter {
  private final SplittableRandom random;
  private final List<ReplicaMessage> history = new ArrayList<>();
  private final int replicas;

  public Replayer(long seed, int replicas) {
    this.random = new SplittableRandom(seed);
    this.replicas = replicas;
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    List<Outbound> out = new ArrayList<>();
    out.add(new Outbound(to, message));
    for (int k = 0; k < 3 && !history.isEmpty(); k++) {
      out.add(new Outbound(random.nextInt(replicas), history.get(random.nextInt(history.size()))));
    }
    if (history.size() < 10_000) {
      history.add(message);
    } else {
      history.set(random.nextInt(history.size()), message);
    }
    return out;
  }
}
