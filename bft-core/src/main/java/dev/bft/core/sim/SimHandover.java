package dev.bft.core.sim;

import dev.bft.core.config.Configurations;
import dev.bft.core.config.ReconfigurationRules;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.StateDigests;
import dev.bft.crypto.Digest;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * How the nodes of the next configuration come to run it (docs/reconfiguration.md, steps 4 and 5):
 * a member of both moves on with its state once its epoch checkpoint is proven; a new member, or
 * one that fell behind, fetches the epoch's start from the old group; once 2f' + 1 members run the
 * next epoch the clients take its configuration and the nodes it left out stop.
 */
final class SimHandover {
  private final Simulation sim;
  private final SimEpochs epochs;
  private long handedOverAt = -1;
  private final Map<Integer, Long> startedAt = new TreeMap<>();
  private final Map<Integer, Long> stoppedAt = new TreeMap<>();
  private final Map<Integer, SimJoin> joins = new HashMap<>();
  private long liesCaught;

  SimHandover(Simulation sim, SimEpochs epochs) {
    this.sim = sim;
    this.epochs = epochs;
  }

  /** The epoch's start is proven: new members join now; members of both get a grace period to move on by themselves. */
  void proven() {
    long grace = 2 * sim.options().replicaConfig().viewChangeTimeoutTicks();
    for (int member : epochs.next().nodes()) {
      SimReplica m = sim.replica(member);
      if (!epochs.first().member(member)) {
        m.epoch = epochs.next();
        join(member);
      } else {
        sim.queue().at(sim.now() + grace, () -> catchUp(member, grace));
      }
    }
  }

  /** A member of both configurations whose epoch checkpoint is proven moves on with its state and client table. */
  void stay(SimReplica node) {
    if (startedAt.containsKey(node.id) || node.joining || !node.up || node.epoch != epochs.first()) {
      return;
    }
    // It may have executed batches past the epoch checkpoint, ordered before the end was known to
    // their primary (one that re-proposed the reconfiguration by digest, without its batch in
    // hand): they execute nothing, so what it carries over must still be exactly the proven start.
    ClientTable table = node.replica.clientTable();
    Digest carried = StateDigests.epoch(StateDigests.checkpoint(node.rawService.stateDigest(), table),
        Configurations.digest(epochs.nextConfig()));
    if (node.replica.lastExecuted() < epochs.start().sequence() || !carried.equals(epochs.start().state())) {
      throw new InvariantViolation("handover", "node " + node.id + " proved the epoch checkpoint "
          + epochs.start().sequence() + " but carries " + carried + " after executing up to "
          + node.replica.lastExecuted() + ", not the proven start " + epochs.start().state());
    }
    startEpoch(node, table);
  }

  /**
   * Whether a node of the old epoch whose core asks for state is behind the epoch checkpoint. Its
   * proof's digest binds the next configuration, which the fetcher cannot check the state against
   * (it checks the ordinary digest), so the fetch would fail at every server for ever: a member of
   * the next configuration fetches the start as a joining node does, and a node it leaves out
   * needs no state of an epoch that has ended.
   */
  boolean fetchesEpochStart(SimReplica node, long sequence) {
    if (node.epoch != epochs.first() || epochs.boundary() < 0 || sequence != epochs.boundary()) {
      return false;
    }
    if (epochs.next().member(node.id)) {
      sim.queue().at(sim.now() + 1, () -> joinOnceProven(node.id));
    }
    return true;
  }

  private void joinOnceProven(int member) {
    SimReplica node = sim.replica(member);
    if (startedAt.containsKey(member) || node.joining || node.epoch != epochs.first() || !node.up) {
      return; // started or joining already, or down (then the catch-up after the proof looks again)
    }
    if (epochs.start() == null) {
      sim.queue().at(sim.now() + 50, () -> joinOnceProven(member)); // the proof is on its way to some node
      return;
    }
    join(member);
  }

  /** A member of both that has not moved on after a grace period fell behind: it fetches the start as a new member does. */
  private void catchUp(int member, long grace) {
    SimReplica node = sim.replica(member);
    if (startedAt.containsKey(member) || node.joining) {
      return;
    }
    if (!node.up) {
      sim.queue().at(sim.now() + grace, () -> catchUp(member, grace)); // down for now: look again later
      return;
    }
    join(member);
  }

  private void join(int member) {
    SimReplica node = sim.replica(member);
    node.joining = true;
    node.up = false;
    node.cancelTimers();
    node.states.stopFetching();
    node.rawService = sim.options().service().get();
    node.service = sim.checkedService(member, node.rawService);
    int[] servers = IntStream.of(epochs.first().nodes()).filter(s -> s != member).toArray();
    SimJoin join = new SimJoin(sim, node, servers, epochs.start(), Configurations.digest(epochs.nextConfig()),
        table -> joined(node, table));
    joins.put(member, join);
    sim.trace("joining", member, epochs.start().sequence());
    join.begin();
  }

  private void joined(SimReplica node, ClientTable table) {
    SimJoin join = joins.remove(node.id);
    liesCaught += join.liesCaught;
    sim.startedFrom(node.id, table);
    for (SimObserver o : sim.observers()) {
      o.stateInstalled(node.id, epochs.start().sequence(), sim.now());
    }
    node.states.hold(epochs.start().sequence(), node.rawService.snapshot(), table);
    node.states.ordinary.put(epochs.start().sequence(), join.ordinary());
    startEpoch(node, table);
  }

  void crashedWhileJoining(SimReplica node) {
    SimJoin join = joins.remove(node.id);
    if (join != null) {
      join.stop();
    }
  }

  void rejoin(SimReplica node) {
    join(node.id);
  }

  /** The next epoch's core at the node: its genesis is the epoch checkpoint, which needs no proof inside the epoch. */
  private void startEpoch(SimReplica node, ClientTable table) {
    node.cancelTimers();
    node.states.stopFetching();
    node.joining = false;
    node.epoch = epochs.next();
    node.rules = new ReconfigurationRules(epochs.next().config());
    sim.newEpoch(node.id);
    node.persisted.clear();
    node.persisted.add(new LogRecord.StableCheckpoint(epochs.start().sequence(), List.of()));
    node.replica = Replica.recover(epochs.configFor(epochs.next().quorum(), epochs.next().idOf(node.id)), node.service, node,
        new RecoveredState(epochs.start().sequence(), table.copy(), node.persisted));
    node.governed();
    node.states.pinned = epochs.start().sequence();
    node.up = true;
    startedAt.put(node.id, sim.now());
    sim.trace("epoch", node.id, epochs.next().number());
    node.replica.start();
    if (handedOverAt < 0 && startedAt.size() >= epochs.next().quorum().certificate()) {
      handOver();
    }
    if (startedAt.size() == epochs.next().n()) {
      for (int member : epochs.next().nodes()) {
        sim.replica(member).states.pinned = -1; // every member has the start: later checkpoints serve from now on
      }
    }
  }

  /** 2f' + 1 members run the next epoch: clients take its configuration, and the nodes it left out stop. */
  private void handOver() {
    handedOverAt = sim.now();
    for (SimClient c : sim.clients()) {
      c.removed |= !epochs.next().admits(c.id);
      c.switchTo(epochs.next());
    }
    epochs.administrator().switchTo(epochs.next());
    for (int node : epochs.first().nodes()) {
      if (!epochs.next().member(node) && !epochs.plantedNeverStop()) {
        SimReplica leaver = sim.replica(node);
        leaver.retired = true;
        leaver.up = false;
        leaver.cancelTimers();
        leaver.states.stopFetching();
        stoppedAt.put(node, sim.now());
        sim.trace("stopped", node, epochs.first().number());
      }
    }
  }

  boolean handedOver() {
    return handedOverAt >= 0;
  }

  long handedOverAt() {
    return handedOverAt;
  }

  boolean allStarted() {
    return startedAt.size() == epochs.next().n();
  }

  Map<Integer, Long> startedAt() {
    return Collections.unmodifiableMap(startedAt);
  }

  Map<Integer, Long> stoppedAt() {
    return Collections.unmodifiableMap(stoppedAt);
  }

  long liesCaught() {
    return liesCaught;
  }

  String describe() {
    return "handed over at " + handedOverAt + ", started " + startedAt + ", stopped " + stoppedAt + ", joining "
        + joins.keySet();
  }
}
