package dev.bft.core.sim;

import dev.bft.core.message.ReplicaMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A Byzantine behaviour only the simulator's network can play: a node that keeps the messages it
 * heard in the old epoch and, once it runs the next one, sends them again to the next epoch's
 * members with their old envelopes. It cannot re-sign another's message for the new epoch (the
 * signature domain holds the epoch), so the old epoch is what they say; the members' shells must
 * drop every one before their cores see it.
 */
final class SimEpochReplay {
  private record Envelope(long epoch, ReplicaMessage message) {}

  private final Simulation sim;
  private final SplittableRandom random;
  private final Set<Integer> replayers = new HashSet<>();
  private final List<Envelope> heard = new ArrayList<>();
  private long replayed;

  SimEpochReplay(Simulation sim, long seed) {
    this.sim = sim;
    this.random = new SplittableRandom(seed ^ 0x0E90C4L);
  }

  void add(int node) {
    if (!sim.byzantine(node)) {
      throw new IllegalArgumentException("node " + node + " must be Byzantine to replay the old epoch's messages");
    }
    replayers.add(node);
  }

  long replayed() {
    return replayed;
  }

  void heard(SimReplica node, long tag, Object message, long oldEpoch) {
    if (tag == oldEpoch && message instanceof ReplicaMessage m && replayers.contains(node.id) && heard.size() < 4096) {
      heard.add(new Envelope(tag, m));
    }
  }

  /** Called as the Byzantine node sends: in the next epoch, two old messages go along to random members. */
  void replayFrom(SimReplica node, SimEpoch next) {
    if (!replayers.contains(node.id) || node.epoch.number() != next.number() || heard.isEmpty()) {
      return;
    }
    for (int k = 0; k < 2; k++) {
      Envelope e = heard.get(random.nextInt(heard.size()));
      int target = next.node(random.nextInt(next.n()));
      if (target != node.id) {
        replayed++;
        sim.network().carry(node.id, target, e.message(), m -> sim.replica(target).receive(e.epoch(), m));
      }
    }
  }
}
