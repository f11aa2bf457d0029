package dev.bft.core.sim;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Point-to-point delivery with seeded loss, duplication and delay (which reorders), and partitions
 * that cut a set of replicas off from everyone else. It counts what it carried.
 */
final class SimNetwork {
  private final EventQueue queue;
  private final SplittableRandom random;
  private NetworkFaults faults;
  /** Nodes cut off; a reconfiguration adds nodes during the run, so the set grows. */
  private final java.util.BitSet isolated = new java.util.BitSet();
  private Simulation.LossRule lossRule = (from, to, message) -> false;
  long sent;
  long dropped;

  SimNetwork(EventQueue queue, SplittableRandom random, NetworkFaults faults, int replicas) {
    this.queue = queue;
    this.random = random;
    this.faults = faults;
  }

  void setFaults(NetworkFaults faults) {
    this.faults = faults;
  }

  void lose(Simulation.LossRule rule) {
    this.lossRule = rule;
  }

  void isolate(int replica, boolean cut) {
    isolated.set(replica, cut);
  }

  /** Delivers to {@code deliver} later, perhaps twice, perhaps never. Endpoints below 0 are clients. */
  <T> void carry(int fromReplica, int toReplica, T message, Consumer<T> deliver) {
    sent++;
    if (cut(fromReplica) || cut(toReplica) || lossRule.lose(fromReplica, toReplica, message)
        || random.nextDouble() < faults.dropRate()) {
      dropped++;
      return;
    }
    int copies = random.nextDouble() < faults.duplicateRate() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = faults.minDelay() + (faults.maxDelay() == faults.minDelay() ? 0
          : random.nextLong(faults.maxDelay() - faults.minDelay() + 1));
      queue.at(queue.now() + delay, () -> deliver.accept(message));
    }
  }

  private boolean cut(int replica) {
    return replica >= 0 && isolated.get(replica);
  }
}
