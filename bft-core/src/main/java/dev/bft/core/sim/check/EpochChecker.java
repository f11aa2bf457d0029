package dev.bft.core.sim.check;

import dev.bft.core.sim.InvariantViolation;
import dev.bft.crypto.Digest;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The invariants of reconfiguration (docs/reconfiguration.md) over a whole run, among correct
 * replicas: in each epoch one batch per sequence; every replica ends an epoch at the same
 * reconfiguration, boundary and next configuration, and proves the same epoch checkpoint; a
 * request executes in one epoch at most (so at most once over the run); no core processes a
 * message of an epoch other than its own; and every replica a configuration left out stops.
 */
public final class EpochChecker {
  private record Key(long epoch, long sequence) {}

  private record End(int node, long sequence, long boundary, Digest next) {}

  private record Proof(int node, long boundary, Digest state) {}

  private record Executed(int node, long epoch, long sequence) {}

  private final Map<Key, Digest> batches = new HashMap<>();
  private final Map<Key, Integer> batchNodes = new HashMap<>();
  private final Map<Long, End> ends = new HashMap<>();
  private final Map<Long, Proof> proofs = new HashMap<>();
  private final Map<Long, Executed> requests = new HashMap<>();

  public void onExecuted(int node, long epoch, long sequence, Digest batch) {
    Key key = new Key(epoch, sequence);
    Digest first = batches.putIfAbsent(key, batch);
    batchNodes.putIfAbsent(key, node);
    if (first != null && !first.equals(batch)) {
      throw new InvariantViolation("agreement", "in epoch " + epoch + " at sequence " + sequence + " node "
          + batchNodes.get(key) + " executed batch " + first + " but node " + node + " executed " + batch);
    }
  }

  public void onEpochEnded(int node, long epoch, long sequence, long boundary, Digest next) {
    End first = ends.putIfAbsent(epoch, new End(node, sequence, boundary, next));
    if (first != null && (first.sequence() != sequence || first.boundary() != boundary || !first.next().equals(next))) {
      throw new InvariantViolation("agreement", "epoch " + epoch + " ended at " + first.sequence() + " (checkpoint "
          + first.boundary() + ", next " + first.next() + ") at node " + first.node() + " but at " + sequence
          + " (checkpoint " + boundary + ", next " + next + ") at node " + node);
    }
  }

  public void onEpochProven(int node, long epoch, long boundary, Digest state) {
    Proof first = proofs.putIfAbsent(epoch, new Proof(node, boundary, state));
    if (first != null && (first.boundary() != boundary || !first.state().equals(state))) {
      throw new InvariantViolation("agreement", "epoch " + epoch + "'s checkpoint was proven at " + first.boundary()
          + " with state " + first.state() + " at node " + first.node() + " but at " + boundary + " with " + state
          + " at node " + node);
    }
  }

  /** A correct node executed a request in {@code epoch}: across epochs, a request executes in one epoch at most. */
  public void onRequestExecuted(int node, long epoch, int client, long requestNumber, long sequence) {
    long key = ((long) client << 40) ^ requestNumber;
    Executed first = requests.putIfAbsent(key, new Executed(node, epoch, sequence));
    if (first != null && first.epoch() != epoch) {
      throw new InvariantViolation("exactly-once", "request " + requestNumber + " of client " + client
          + " executed in epoch " + first.epoch() + " (node " + first.node() + ") and again in epoch " + epoch
          + " (node " + node + ")");
    }
  }

  /** The epoch a request executed in, or -1 if no correct node executed it. */
  public long epochExecuted(int client, long requestNumber) {
    Executed e = requests.get(((long) client << 40) ^ requestNumber);
    return e == null ? -1 : e.epoch();
  }

  /** The sequence a request executed at, or -1 if no correct node executed it. */
  public long sequenceExecuted(int client, long requestNumber) {
    Executed e = requests.get(((long) client << 40) ^ requestNumber);
    return e == null ? -1 : e.sequence();
  }

  /** A node's core is about to process {@code message}, sent in {@code messageEpoch}. */
  public void onProcessed(int node, long coreEpoch, long messageEpoch, Object message) {
    if (coreEpoch != messageEpoch) {
      throw new InvariantViolation("epochs", "node " + node + "'s core of epoch " + coreEpoch
          + " processed a message of epoch " + messageEpoch + ": " + message);
    }
  }

  /**
   * At the end of a run whose next epoch started: every node {@code replaced} (members the next
   * configuration left out) has a stop time in {@code stoppedAt}.
   */
  public void everyReplacedStopped(Collection<Integer> replaced, Map<Integer, Long> stoppedAt, long now) {
    TreeSet<Integer> running = new TreeSet<>(replaced);
    running.removeAll(stoppedAt.keySet());
    if (!running.isEmpty()) {
      throw new InvariantViolation("handover", "nodes " + running + " were left out of the next configuration but "
          + "still ran at tick " + now);
    }
  }
}
