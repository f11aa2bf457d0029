package dev.bft.core.sim;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.EpochStart;
import dev.bft.core.config.Reconfiguration;
import dev.bft.core.config.ReconfigurationRules;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.sim.check.EpochChecker;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * One reconfiguration in a simulated run, as docs/reconfiguration.md has it: an administrator
 * submits it while the clients work; when a node's epoch checkpoint is proven, that node starts
 * the next epoch if the next configuration keeps it (its state and client table carry over); new
 * members and members that fell behind fetch the epoch's start from the old group ({@link SimJoin});
 * once 2f' + 1 members run the next epoch, the clients take the new configuration and the nodes it
 * left out stop. Every message carries its epoch and the shell drops another epoch's
 * ({@link #admit}); {@link EpochChecker} watches the invariants.
 */
public final class SimEpochs {
  private final Simulation sim;
  private final EpochChecker checker = new EpochChecker();
  private final SimEpoch first;
  private final ClusterConfig nextConfig;
  private SimEpoch next;
  private final SimClient admin;
  private EpochStart start;
  /** The epoch checkpoint's sequence, once a node executed the reconfiguration (none can be proven before). */
  private long boundary = -1;
  private final SimHandover handover;
  private final Map<Integer, Long> otherEpochDrops = new TreeMap<>();
  private long refused;
  private final SimEpochReplay replay;
  private boolean plantedLetOtherEpochsThrough;
  private boolean plantedNeverStop;

  SimEpochs(Simulation sim, ReconfigurationPlan plan) {
    this.sim = sim;
    int n = sim.replicaCount();
    List<Integer> clients = sim.clients().stream().map(c -> c.id).toList();
    ClusterConfig firstConfig = plan.firstConfiguration(n, clients);
    int[] identity = IntStream.range(0, n).toArray();
    first = new SimEpoch(0, firstConfig, identity, Quorum.ofReplicas(n));
    for (int i = 0; i < n; i++) {
      SimReplica node = sim.replica(i);
      node.epoch = first;
      node.rules = new ReconfigurationRules(firstConfig);
      node.governed();
    }
    sim.clients().forEach(c -> c.epoch = first);
    Reconfiguration r = plan.reconfiguration(firstConfig, clients, n);
    nextConfig = r.applyTo(firstConfig);
    int[] nodes = new int[nextConfig.n()];
    int added = n;
    for (int id = 0; id < nodes.length; id++) {
      Ed25519PublicKey key = nextConfig.replica(id).publicKey();
      int kept = IntStream.range(0, n).filter(i -> ReconfigurationPlan.nodeKey(i).equals(key)).findFirst().orElse(-1);
      nodes[id] = kept >= 0 ? kept : added++;
    }
    next = new SimEpoch(1, nextConfig, nodes, Quorum.ofReplicas(nextConfig.n()));
    for (int node = n; node < added; node++) {
      SimReplica joiner = sim.addNode(next);
      joiner.replica = new Replica(configFor(next.quorum(), next.idOf(node)), joiner.service, joiner);
    }
    admin = SimClient.administrator(ReconfigurationPlan.ADMINS[0], sim, r.encode(), sim.options().clientRetransmitTicks());
    sim.queue().at(plan.at(), admin::issueNext);
    replay = new SimEpochReplay(sim, sim.options().seed());
    handover = new SimHandover(sim, this);
  }

  /** The simulation's replica parameters with the epoch's quorum and the node's id in it. */
  ReplicaConfig configFor(Quorum quorum, int id) {
    ReplicaConfig b = sim.options().replicaConfig();
    return new ReplicaConfig(quorum, id, b.maxBatchSize(), b.batchDelayTicks(), b.pipelineDepth(), b.checkpointInterval(),
        b.logWindow(), b.viewChangeTimeoutTicks(), b.primaryIdleTimeoutTicks(), b.batchLingerTicks(),
        b.timestampSkewTicks(), b.replyDigestBytes());
  }

  // ---------------------------------------------------------------- the shell's epoch gate

  /**
   * Whether {@code message}, sent in epoch {@code tag}, reaches {@code node}'s core: another epoch's
   * is dropped and counted, as is a request of a client the node's configuration does not enrol.
   * What passes is checked against the core's own epoch, where it is processed.
   */
  boolean admit(SimReplica node, long tag, Object message) {
    replay.heard(node, tag, message, first.number());
    if (node.joining) {
      return false;
    }
    if (tag != node.epoch.number() && !plantedLetOtherEpochsThrough) {
      otherEpochDrops.merge(node.id, 1L, Long::sum);
      return false;
    }
    if (message instanceof Request r && !node.epoch.admits(r.clientId())) {
      refused++;
      return false;
    }
    if (node.up && node.rules != null) {
      checker.onProcessed(node.id, node.rules.epoch(), tag, message);
    }
    return true;
  }

  void sentByByzantine(SimReplica node) {
    replay.replayFrom(node, next);
  }

  // ---------------------------------------------------------------- the core's epoch effects

  void ended(SimReplica node, long sequence, long boundary, Digest nextDigest) {
    if (!Configurations.digest(nextConfig).equals(nextDigest)) {
      throw new IllegalStateException("node " + node.id + " ended epoch " + node.epoch.number() + " at " + sequence
          + " for a configuration the plan did not make");
    }
    if (!sim.byzantine(node.id)) {
      checker.onEpochEnded(node.id, node.epoch.number(), sequence, boundary, nextDigest);
    }
    this.boundary = boundary;
    sim.trace("epoch-ended", node.id, sequence + " " + boundary);
  }

  void proven(SimReplica node, long boundary, List<Checkpoint> proof) {
    if (node.epoch != first) {
      return;
    }
    Digest state = proof.get(0).stateDigest();
    if (!sim.byzantine(node.id)) {
      checker.onEpochProven(node.id, first.number(), boundary, state);
    }
    if (start == null) {
      start = new EpochStart(boundary, state);
      next = new SimEpoch(next.number(), nextConfig.startingAt(start), next.nodes(), next.quorum());
      handover.proven();
    }
    if (next.member(node.id)) {
      sim.queue().at(sim.now(), () -> handover.stay(node)); // after the event that proved it, as the runtime restarts its replica
    }
  }

  boolean fetchesEpochStart(SimReplica node, long sequence) {
    return handover.fetchesEpochStart(node, sequence);
  }

  void crashedWhileJoining(SimReplica node) {
    handover.crashedWhileJoining(node);
  }

  void rejoin(SimReplica node) {
    handover.rejoin(node);
  }

  SimEpoch first() {
    return first;
  }

  SimEpoch next() {
    return next;
  }

  long boundary() {
    return boundary;
  }

  ClusterConfig nextConfig() {
    return nextConfig;
  }

  boolean plantedNeverStop() {
    return plantedNeverStop;
  }

  /** Whether the reconfiguration is over: applied, every member of the next configuration running it. */
  boolean settled() {
    return admin.done() && handover.handedOver() && handover.allStarted();
  }

  /** At the end of a run: a run whose next epoch started has stopped every node it left out. */
  void finish() {
    if (handover.handedOver()) {
      checker.everyReplacedStopped(leavers(), handover.stoppedAt(), sim.now());
    }
  }

  SimClient administrator() {
    return admin;
  }

  void executedRequest(int node, int client, long requestNumber, long sequence) {
    checker.onRequestExecuted(node, sim.replica(node).epoch.number(), client, requestNumber, sequence);
  }

  // ---------------------------------------------------------------- for tests

  public EpochChecker checker() {
    return checker;
  }

  /** Nodes of the first configuration that the next one leaves out. */
  public List<Integer> leavers() {
    List<Integer> out = new ArrayList<>();
    IntStream.of(first.nodes()).filter(n -> !next.member(n)).forEach(out::add);
    return out;
  }

  /** Nodes of the next configuration, by replica id. */
  public int[] nextMembers() {
    return next.nodes();
  }

  /** Where the next epoch starts, or null before its checkpoint is proven. */
  public EpochStart start() {
    return start;
  }

  public long handedOverAt() {
    return handover.handedOverAt();
  }

  /** When each member of the next configuration started running it, by node. */
  public Map<Integer, Long> startedAt() {
    return handover.startedAt();
  }

  /** When each node the next configuration left out stopped, by node. */
  public Map<Integer, Long> stoppedAt() {
    return handover.stoppedAt();
  }

  /** Messages dropped by a node's shell because they were of another epoch. */
  public long otherEpochDrops(int node) {
    return otherEpochDrops.getOrDefault(node, 0L);
  }

  public long otherEpochDrops() {
    return otherEpochDrops.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Requests refused because their client was not enrolled in the receiving node's epoch. */
  public long refusedRequests() {
    return refused;
  }

  /** Ordinary digests joining nodes were told that failed the binding to the epoch start. */
  public long liesCaught() {
    return handover.liesCaught();
  }

  /** The administrator's result: the epoch's end, once it completed. */
  public byte[] administratorResult() {
    return admin.lastResult;
  }

  /** Makes Byzantine node {@code node} replay the old epoch's messages, as they were signed, to the next epoch's members. */
  public void replayOldEpochMessages(int node) {
    replay.add(node);
  }

  public long replayed() {
    return replay.replayed();
  }

  /** A planted shell bug: messages of another epoch reach the core (the checker must catch it). */
  public void plantLetOtherEpochsThrough() {
    plantedLetOtherEpochsThrough = true;
  }

  /** A planted shell bug: nodes the next configuration left out never stop (the checker must catch it). */
  public void plantNeverStopReplaced() {
    plantedNeverStop = true;
  }

  /** Whether Byzantine node {@code node} keeps each epoch within its f. */
  void checkByzantineBound(int node) {
    for (SimEpoch e : List.of(first, next)) {
      long count = IntStream.of(e.nodes()).filter(m -> m == node || sim.byzantine(m)).count();
      if (count > e.quorum().f()) {
        throw new IllegalArgumentException("at most f = " + e.quorum().f() + " replicas of " + e + " may be Byzantine");
      }
    }
  }

  /** One line on where the reconfiguration stands, for failure messages. */
  public String describe() {
    return "reconfiguration " + first + " -> " + next + ": start " + start + ", " + handover.describe()
        + ", other-epoch drops " + otherEpochDrops + ", refused " + refused + ", administrator done " + admin.done() + "\n";
  }
}
