package dev.bft.core.sim;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.sim.check.AgreementChecker;
import dev.bft.core.sim.check.BoundedStateChecker;
import dev.bft.core.sim.check.ExactlyOnceChecker;
import dev.bft.core.sim.check.ValidityChecker;
import dev.bft.core.statetransfer.TransferStats;
import dev.bft.crypto.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A whole cluster in one thread: n real replicas and some clients over a seeded, hostile network.
 * Every run is a pure function of its {@link Options}; {@link Result#traceDigest()} fingerprints
 * every delivery, timer and completion, so two runs of one seed can be compared byte for byte.
 */
public final class Simulation {
  /** What to simulate. Replica ids are 0..n-1; client ids are 1000, 1001, …. */
  public record Options(long seed, int replicas, int clients, int operationsPerClient, NetworkFaults faults,
                        ReplicaConfig replicaConfig, Supplier<ReplicatedService> service, Workload workload,
                        long maxTicks, long clientRetransmitTicks, java.nio.file.Path lmdbRoot, ShellOptions shell) {
    /** Replicas with the simulator's own effects, not the production shell. */
    public Options(long seed, int replicas, int clients, int operationsPerClient, NetworkFaults faults,
                   ReplicaConfig replicaConfig, Supplier<ReplicatedService> service, Workload workload,
                   long maxTicks, long clientRetransmitTicks, java.nio.file.Path lmdbRoot) {
      this(seed, replicas, clients, operationsPerClient, faults, replicaConfig, service, workload, maxTicks,
          clientRetransmitTicks, lmdbRoot, null);
    }

    public static Options of(long seed, int replicas, Supplier<ReplicatedService> service, Workload workload) {
      Quorum q = Quorum.ofReplicas(replicas);
      ReplicaConfig config = new ReplicaConfig(q, 0, 16, 2, 8, 16, 64, 400);
      return new Options(seed, replicas, 4, 50, NetworkFaults.reliable(), config, service, workload, 2_000_000, 300, null,
          null);
    }

    public Options withFaults(NetworkFaults f) {
      return new Options(seed, replicas, clients, operationsPerClient, f, replicaConfig, service, workload, maxTicks,
          clientRetransmitTicks, lmdbRoot, shell);
    }

    public Options withLoad(int clientCount, int operations) {
      return new Options(seed, replicas, clientCount, operations, faults, replicaConfig, service, workload, maxTicks,
          clientRetransmitTicks, lmdbRoot, shell);
    }

    /**
     * Replicas persist to real LMDB environments under {@code root} (one directory each) and restart
     * from them: messages and client requests are then signed with test keys, as stored records are.
     */
    public Options withLmdb(java.nio.file.Path root) {
      return new Options(seed, replicas, clients, operationsPerClient, faults, replicaConfig, service, workload, maxTicks,
          clientRetransmitTicks, root, shell);
    }

    /**
     * Replicas run the production shell over LMDB environments under {@code root}: frames, the
     * verification stage, the vote filter, the effects, the commit stage and the timers of a real
     * replica, with only sockets, threads and the disk replaced.
     */
    public Options withShell(java.nio.file.Path root, ShellOptions shellOptions) {
      return new Options(seed, replicas, clients, operationsPerClient, faults, replicaConfig, service, workload, maxTicks,
          clientRetransmitTicks, root, shellOptions);
    }

    public Options withMaxTicks(long ticks) {
      return new Options(seed, replicas, clients, operationsPerClient, faults, replicaConfig, service, workload, ticks,
          clientRetransmitTicks, lmdbRoot, shell);
    }

    public Options withReplicaConfig(ReplicaConfig config) {
      return new Options(seed, replicas, clients, operationsPerClient, faults, config, service, workload, maxTicks,
          clientRetransmitTicks, lmdbRoot, shell);
    }
  }

  /** What a run did. {@code allCompleted} is the liveness verdict. */
  public record Result(long seed, boolean allCompleted, long completedOperations, long ticks, long messagesSent,
                       long messagesDropped, long[] lastExecuted, String traceDigest, long[] views) {}

  public static final int FIRST_CLIENT_ID = 1000;

  private final Options options;
  private final Quorum quorum;
  private final EventQueue queue = new EventQueue();
  private final SplittableRandom random;
  private final SimNetwork network;
  private final List<SimReplica> replicas = new ArrayList<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final MessageDigest trace = Digests.newSha256();

  private final AgreementChecker agreement = new AgreementChecker();
  private final ValidityChecker validity = new ValidityChecker();
  private final ExactlyOnceChecker exactlyOnce = new ExactlyOnceChecker();
  private final BoundedStateChecker bounded = new BoundedStateChecker();
  /** Clients outside the workload whose requests a test injects: the queue bound counts them too. */
  private final java.util.Set<Integer> injectedClients = new java.util.HashSet<>();
  private final dev.bft.core.sim.check.VoteConsistencyChecker votes = new dev.bft.core.sim.check.VoteConsistencyChecker();
  private final dev.bft.core.sim.check.DurableBeforeSentChecker durableBeforeSent =
      new dev.bft.core.sim.check.DurableBeforeSentChecker();
  private final List<SimObserver> observers = new ArrayList<>();
  private SimSigning signing;
  private SimEpochs epochs;
  private int restartsFromStorage;
  private boolean[] byzantine;
  private final TransferStats transferStats = new TransferStats();

  public Simulation(Options options) {
    this.options = options;
    this.quorum = Quorum.ofReplicas(options.replicas());
    this.random = new SplittableRandom(options.seed());
    this.network = new SimNetwork(queue, random.split(), options.faults(), options.replicas());
    this.byzantine = new boolean[options.replicas()];
    SimEpoch first = SimEpoch.plain(options.replicas());
    for (int i = 0; i < options.replicas(); i++) {
      SimReplica node = new SimReplica(i, this, first);
      int id = i;
      node.rawService = options.service().get();
      node.service = checkedService(id, node.rawService);
      node.replica = new Replica(options.replicaConfig().withReplicaId(i), node.service, node);
      replicas.add(node);
    }
    if (options.lmdbRoot() != null) {
      signing = new SimSigning(options.replicas(), options.clients(),
          dev.bft.core.message.codec.ClusterBounds.of(options.replicaConfig()));
      for (SimReplica node : replicas) {
        node.openDurableLog(options.lmdbRoot().resolve("replica-" + node.id), signing);
        if (options.shell() != null) {
          node.useShell();
        }
      }
    } else if (options.shell() != null) {
      throw new IllegalArgumentException("the production shell persists to LMDB: give it a directory (withShell)");
    }
    for (int c = 0; c < options.clients(); c++) {
      clients.add(new SimClient(FIRST_CLIENT_ID + c, this, options.operationsPerClient(),
          options.clientRetransmitTicks()));
    }
  }

  /** Read-only requests, over all clients, re-issued as ordered ones because 2f + 1 replies did not agree. */
  public long readOnlyFallbacks() {
    return clients.stream().mapToLong(c -> c.core.readOnlyFallbacks()).sum();
  }

  /** Runs until every client finished its operations or the tick budget is spent. */
  public Result run() {
    for (SimReplica r : replicas) {
      if (r.up) {
        r.start(); // nodes a reconfiguration adds start when they join
      }
    }
    for (SimClient c : clients) {
      queue.at(random.nextLong(5), c::issueNext);
    }
    while (!allDone() && queue.now() <= options.maxTicks() && queue.step()) {
      checkBoundedState();
    }
    if (epochs != null) {
      epochs.finish();
    }
    long completed = clients.stream().mapToLong(SimClient::completed).sum();
    long[] executed = replicas.stream().mapToLong(r -> r.replica.lastExecuted()).toArray();
    return new Result(options.seed(), allDone(), completed, queue.now(), network.sent, network.dropped, executed,
        java.util.HexFormat.of().formatHex(trace.digest()),
        replicas.stream().mapToLong(r -> r.replica.view()).toArray());
  }

  // ---------------------------------------------------------------- fault injection (scheduled)

  /** Cuts a replica off from everyone between two instants. */
  public void isolate(int replica, long from, long until) {
    queue.at(from, () -> network.isolate(replica, true));
    queue.at(until, () -> network.isolate(replica, false));
  }

  /** Which messages a targeted fault loses: (sending replica, receiving replica or below 0 a client, message). */
  @FunctionalInterface
  public interface LossRule {
    boolean lose(int from, int to, Object message);
  }

  /** From now on the network loses every message {@code rule} picks, besides its random losses. */
  public void loseMessages(LossRule rule) {
    network.lose(rule);
  }

  /**
   * Stops a replica between two instants (a stopped process, a long GC pause): it receives nothing,
   * and its timers that come due meanwhile fire when it resumes; its state survives.
   */
  public void pause(int replica, long from, long until) {
    queue.at(from, () -> replicas.get(replica).up = false);
    queue.at(until, () -> replicas.get(replica).resume());
  }

  TransferStats transferStats() {
    return transferStats;
  }

  /** State transfers so far: completed transfers, node pages, chunks and bytes fetched, lies detected. */
  public String stateTransferReport() {
    return transferStats.toString();
  }

  public long badStateDetected() {
    return transferStats.badAnswers();
  }

  public long stateTransfersCompleted() {
    return transferStats.transfers;
  }

  /** Makes a replica a Byzantine state server that tells every {@link StateLie} at once. */
  public void serveCorruptState(int replica) {
    serveCorruptState(replica, StateLie.values());
  }

  /** Makes a replica a Byzantine state server that tells {@code lies} in what it serves for state transfer. */
  public void serveCorruptState(int replica, StateLie... lies) {
    replicas.get(replica).states.lies.addAll(java.util.List.of(lies));
  }

  /**
   * Makes a replica Byzantine: its core runs as usual but everything it sends passes through
   * {@code filter}. It no longer counts as correct for agreement, exactly-once, validity and the
   * no-self-contradiction check; at most f replicas may be made Byzantine.
   */
  public void makeByzantine(int replica, OutboundFilter filter) {
    long byzantineCount = replicas.stream().filter(r -> r.byzantine != null).count() + 1;
    if (epochs != null) {
      epochs.checkByzantineBound(replica); // f of each epoch's own group
    } else if (byzantineCount > quorum.f()) {
      throw new IllegalArgumentException("at most f = " + quorum.f() + " replicas may be Byzantine");
    }
    replicas.get(replica).byzantine = filter;
    byzantine[replica] = true;
  }

  /**
   * Plans a reconfiguration of this run (before {@link #run}): an administrator submits it while
   * the clients keep working, and the nodes of the next configuration take over (see {@link SimEpochs}).
   * Nodes the next configuration adds get the next indices after the first epoch's n.
   */
  public SimEpochs reconfigure(ReconfigurationPlan plan) {
    if (options.lmdbRoot() != null || replicas.stream().anyMatch(SimReplica::twinned)) {
      throw new IllegalArgumentException("reconfiguration is simulated with the simulator's own effects and storage only");
    }
    epochs = new SimEpochs(this, plan);
    return epochs;
  }

  /** The epochs of this run, or null when it plans no reconfiguration. */
  public SimEpochs epochs() {
    return epochs;
  }

  /** A node a reconfiguration adds: it takes the next index and is down until it joins. */
  SimReplica addNode(SimEpoch epoch) {
    SimReplica node = new SimReplica(replicas.size(), this, epoch);
    node.rawService = options.service().get();
    node.service = checkedService(node.id, node.rawService);
    node.up = false;
    replicas.add(node);
    byzantine = java.util.Arrays.copyOf(byzantine, replicas.size());
    return node;
  }

  List<SimClient> clients() {
    return clients;
  }

  /** A node starts another epoch: its votes of the old one are no promises in the new one. */
  void newEpoch(int node) {
    votes.newEpoch(node);
  }

  /** Restarts exactly-once's record of a node from the client table it started with. */
  void startedFrom(int node, dev.bft.core.protocol.ClientTable table) {
    exactlyOnce.reset(node, table);
  }

  /**
   * For experiments on the bound itself: like {@link #makeByzantine} but without the limit of f,
   * to show that the guarantees end there.
   */
  public void makeByzantineBeyondTheBound(int replica, OutboundFilter filter) {
    replicas.get(replica).byzantine = filter;
    byzantine[replica] = true;
  }

  /**
   * Twins (Bano et al.): replica {@code replica} runs as two copies with the same identity; the
   * original talks to {@code audience}, the twin to everyone else. Counts as its one Byzantine fault.
   */
  public void makeTwins(int replica, java.util.Set<Integer> audience) {
    makeByzantine(replica, (self, to, m, now) -> java.util.List.of(new OutboundFilter.Outbound(to, m)));
    replicas.get(replica).makeTwin(audience, options.service().get());
  }

  public boolean isByzantine(int replica) {
    return byzantine[replica];
  }

  /**
   * Has a (Byzantine) client outside the workload send {@code request} to {@code replica} at
   * {@code at}: request numbers reused, conflicting operations under one number, floods. Its
   * requests count as signed by it (a Byzantine client signs what it likes in its own name).
   */
  public void injectRequest(int replica, Request request, long at) {
    injectedClients.add(request.clientId());
    queue.at(at, () -> {
      validity.issued(request.digest());
      network.carry(-1, replica, request, r -> replicas.get(replica).receive(r));
    });
  }

  /**
   * Delivers {@code frame} to {@code replica} at {@code at} as if read from client {@code client}'s
   * own link (production shell only): for frames no correct client sends.
   */
  public void injectClientFrame(int replica, int client, byte[] frame, long at) {
    queue.at(at, () -> network.carry(-1, replica, frame, f -> replicas.get(replica).receiveFrame(client, f)));
  }

  /** The frame a workload client would send for {@code request}, signed with its key (production shell only). */
  public byte[] clientFrame(Request request) {
    return signing.frame(request);
  }

  /** Frames a replica refused because their client was quarantined, since its last restart. */
  public long refusedWhileQuarantined(int replica) {
    return replicas.get(replica).refusedWhileQuarantined();
  }

  /** Makes a replica censor one client: while primary, it ignores that client's requests. */
  public void censor(int replica, int clientId) {
    replicas.get(replica).censoredClient = clientId;
  }

  public void observe(SimObserver observer) {
    observers.add(observer);
  }

  List<SimObserver> observers() {
    return observers;
  }

  /** Crashes a replica for good, right after the event being handled now (for triggers in observers). */
  public void crashNow(int replica) {
    queue.at(queue.now(), () -> replicas.get(replica).crash());
  }

  public long now() {
    return queue.now();
  }

  /** From {@code at} on, the network behaves as {@code faults} (for example: reliable again). */
  public void healNetworkAt(long at, NetworkFaults faults) {
    queue.at(at, () -> network.setFaults(faults));
  }

  /** Crashes a replica (it loses all volatile state) and restarts it from what it persisted. */
  public void crash(int replica, long at, long restartAt) {
    if (restartAt <= at) {
      throw new IllegalArgumentException("a replica restarts after it crashes");
    }
    queue.at(at, () -> replicas.get(replica).crash());
    queue.at(restartAt, () -> replicas.get(replica).restart());
  }

  /** One line per replica and client: where each stands. For failure messages. */
  public String describe() {
    StringBuilder b = new StringBuilder("at tick " + queue.now() + ":\n");
    for (SimReplica r : replicas) {
      Replica c = r.replica;
      b.append("  node ").append(r.id).append(r.retired ? " (stopped)" : r.up ? "" : " (down)")
          .append(epochs == null ? "" : " epoch=" + r.epoch.number() + " id=" + r.epoch.idOf(r.id)).append(": view=").append(c.view()).append(c.isViewChanging() ? " (changing)" : "")
          .append(" primary=").append(c.isPrimary()).append(" fetching=").append(c.fetchingState())
          .append(" executed=").append(c.lastExecuted()).append(" window=(").append(c.lowWatermark()).append(", ")
          .append(c.highWatermark()).append("] log=").append(c.logSize()).append(" pending=")
          .append(c.pendingRequests()).append(" next: ").append(c.describeNextSlot()).append(" drops=").append(c.drops()).append('\n');
    }
    for (SimClient c : clients) {
      b.append("  client ").append(c.id).append(": completed=").append(c.completed()).append(" busy=")
          .append(c.core.busy()).append(" retransmissions=").append(c.core.retransmissions()).append('\n');
    }
    return b.toString();
  }

  public Replica replicaCore(int id) {
    return replicas.get(id).replica;
  }

  // ---------------------------------------------------------------- wiring for the nodes

  EventQueue queue() {
    return queue;
  }

  SimNetwork network() {
    return network;
  }

  SplittableRandom random() {
    return random;
  }

  Quorum quorum() {
    return quorum;
  }

  Workload workload() {
    return options.workload();
  }

  int replicaCount() {
    return replicas.size();
  }

  SimReplica replica(int id) {
    return replicas.get(id);
  }

  SimClient client(int id) {
    int index = id - FIRST_CLIENT_ID;
    if (epochs != null && id == epochs.administrator().id) {
      return epochs.administrator();
    }
    return index >= 0 && index < clients.size() ? clients.get(index) : null;
  }

  void sent(int replica, dev.bft.core.message.ReplicaMessage message) {
    if (!byzantine[replica]) {
      votes.onSent(replica, message);
    }
  }

  /** A shell's frame left a correct replica (what the checkers of promises see, in shell mode). */
  void left(int replica, dev.bft.core.message.ReplicaMessage message) {
    if (!byzantine[replica]) {
      votes.onSent(replica, message);
      durableBeforeSent.onSent(replica, message);
    }
  }

  /** A replica came back from storage: it must hold a record of everything it sent. */
  void recovered(int replica, dev.bft.core.protocol.RecoveredState state, long view) {
    if (!byzantine[replica]) {
      durableBeforeSent.onRecovered(replica, state, view);
    }
  }

  void issued(Request request) {
    validity.issued(request.digest());
  }

  void onExecuted(int replica, long sequence, Batch batch) {
    if (!byzantine[replica] && epochs == null) {
      agreement.onExecuted(replica, sequence, batch.digest());
    } else if (!byzantine[replica]) {
      // Per epoch: an old epoch's batches past its checkpoint (ordered before its end was known
      // there) execute nothing, and the next epoch orders those sequence numbers anew.
      epochs.checker().onExecuted(replica, replicas.get(replica).epoch.number(), sequence, batch.digest());
    }
    for (SimObserver o : observers) {
      o.executed(replica, sequence, replicas.get(replica).replica.view(), queue.now());
      o.executedBatch(replica, sequence, batch, queue.now());
    }
    trace("x", replica, sequence + ":" + batch.digest().toHex());
  }

  void trace(String kind, int node, Object what) {
    String line = queue.now() + " " + kind + " " + node + " " + what + "\n";
    trace.update(line.getBytes(StandardCharsets.UTF_8));
  }

  private boolean allDone() {
    for (SimClient c : clients) {
      if (!c.done()) {
        return false;
      }
    }
    return epochs == null || epochs.settled();
  }

  private void checkBoundedState() {
    for (SimReplica r : replicas) {
      bounded.check(r.id, r.replica.logSize(), r.replica.config().logWindow(), r.replica.pendingRequests(),
          clients.size() + injectedClients.size() + (epochs == null ? 0 : 1));
    }
  }

  /** The service as the replica sees it, with validity and exactly-once checked at every execution. */
  /** Null unless replicas persist to LMDB, in which case requests must be signed by their clients. */
  SimSigning signing() {
    return signing;
  }

  Options options() {
    return options;
  }

  /** After a replica restarted from storage, exactly-once continues from its recovered client table. */
  void restartedFrom(int replica, dev.bft.core.protocol.ClientTable clients) {
    exactlyOnce.reset(replica, clients);
    restartsFromStorage++;
  }

  /** How many times a replica came back from its LMDB environment. */
  public int restartsFromStorage() {
    return restartsFromStorage;
  }

  /** Closes the replicas' LMDB environments (after a run that used them). */
  public void closeStorage() {
    for (SimReplica r : replicas) {
      r.closeDurableLog();
    }
  }

  ReplicatedService checkedService(int replica, ReplicatedService service) {
    return new CheckedService(replica, service, this);
  }

  boolean byzantine(int node) {
    return byzantine[node];
  }

  ValidityChecker validity() {
    return validity;
  }

  ExactlyOnceChecker exactlyOnce() {
    return exactlyOnce;
  }
}
