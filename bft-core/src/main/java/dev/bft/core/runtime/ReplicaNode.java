package dev.bft.core.runtime;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.HostPort;
import dev.bft.core.config.Durability;
import dev.bft.core.config.ProtocolParameters;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.Message;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.DurableState;
import dev.bft.core.service.ServiceContext;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.TransferStats;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.storage.LmdbStore;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica process: a {@link ReplicaShell} (the protocol loop around the pure {@link Replica},
 * its verification, effects and commit stage) given real I/O: {@link PeerLinks} (authenticated
 * Netty links) feed the verification pool, a {@link LinkTransport} carries what the commit stage
 * sends, threads run the shell's lanes, a scheduler its timers, LMDB its {@link DurableLog}.
 * {@link StateTransferShell} serves and fetches checkpoint state. Any thread's failure stops the
 * replica through its {@link Supervisor}.
 */
public final class ReplicaNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaNode.class);
  private static final int MAX_FRAME = WireLimits.defaults().maxFrameBytes();

  private final ClusterConfig config;
  private final int self;
  private final Supervisor supervisor;
  private final FairVerificationQueue<Inbound> verificationPool;
  private final PeerLinks links;
  private final ScheduledExecutorService scheduler;
  private final EventLoopGroup group;
  private final ReplicaShell shell;
  private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  private final LmdbStore store;
  /** The application's state machine: touched on the protocol thread only (snapshots excepted). */
  private final ReplicatedService service;
  private final StateTransferShell stateTransfer;
  private final ReplicaMetrics metrics;
  private final AdminSocket admin;
  private final EpochHandover epochs;

  /**
   * @param onFatal called (once, off the failing thread) when the replica cannot go on safely: its
   *                storage can no longer be written, or one of its threads failed. It must stop
   *                the process; a supervisor restarts it from LMDB.
   */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Consumer<Throwable> onFatal) {
    this(config, self, key, config.dataDirectory().resolve("replica-" + self), onFatal);
  }

  /** As above, with the LMDB environment in {@code data} instead of {@code <data.dir>/replica-<id>}. */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Path data, Consumer<Throwable> onFatal) {
    this(config, self, key, data, new dev.bft.core.service.kv.LmdbKeyValueService.Provider()::create, 0, onFatal);
  }

  /**
   * A replica of {@code service}, which must be fresh (its initial state): a replica with stored
   * state installs it into the service. Every replica of the cluster must run the same service.
   */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Path data, ReplicatedService service,
                     Consumer<Throwable> onFatal) {
    this(config, self, key, data, service, 0, onFatal);
  }

  /**
   * As above, with this process's wall clock moved by {@code clockOffsetMillis}: a fault-injection
   * knob ({@code bft replica --clock-offset-ms}) that makes the replica stamp and check batch
   * timestamps as one whose clock is that far off would (docs/protocol.md, The primary's timestamp).
   */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Path data, ReplicatedService service,
                     long clockOffsetMillis, Consumer<Throwable> onFatal) {
    this(config, self, key, data, context -> java.util.Objects.requireNonNull(service, "service"), clockOffsetMillis,
        onFatal);
  }

  /**
   * A replica of the service {@code create} makes for its context: a service that stores its own
   * state opens it in {@code <data>/state}, durable as the cluster's {@code durability} says.
   */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Path data,
                     java.util.function.Function<ServiceContext, ReplicatedService> create, long clockOffsetMillis,
                     Consumer<Throwable> onFatal) {
    this.config = config;
    this.self = self;
    Quorum quorum = new Quorum(config.n(), config.f());
    if (!config.replica(self).publicKey().equals(key.publicKey())) {
      throw new IllegalArgumentException("the key given for replica " + self + " does not match its public key in the cluster file");
    }
    ProtocolParameters p = config.parameters();
    SnapshotImport.refuseUnfinished(data);
    Path own = data.resolve("state");
    boolean fresh = !java.nio.file.Files.exists(own);
    this.service = java.util.Objects.requireNonNull(create.apply(new ServiceContext(own,
        p.durability() == Durability.SYNC, p.serviceMapMegabytes())), "service");
    ServiceStamp.claimOrUndo(data, service, fresh ? own : null, this::closeService);
    this.supervisor = new Supervisor("replica " + self, e -> {
      halt();
      onFatal.accept(e);
    });
    KeyDirectory keys = KeyDirectory.of(config);
    MessageEncoder encoder = new MessageEncoder(self, key, WireLimits.defaults(), config.epoch());
    MessageDecoder decoder = MessageDecoder.of(config);
    this.scheduler = supervisor.timers("timers-" + self);
    this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    this.verificationPool = InboundVerification.pool(self, quorum, this::verifyAll, supervisor::failed);
    this.metrics = new ReplicaMetrics(self, this::rejectedFrames, verificationPool::size, decoder.tally());
    LinkTls tls = p.tls() ? new LinkTls(key, "bft replica " + self, config.allKeys()) : null;
    Handshake.Ends ends = new Handshake.Ends(self, encoder, decoder,
        (ctx, id) -> LinkTls.peerHolds(ctx, keys.replica(id) != null ? keys.replica(id) : keys.client(id)), MAX_FRAME);
    this.links = new PeerLinks(config, self, ends, tls, verificationPool, this::refused, supervisor,
        metrics::clientSessionOpened, (peer, up) -> ReplicaNode.this.shell.onReach(peer, up));
    this.stateTransfer = new StateTransferShell(self, config.n(), encoder, links::replica, this::write, this::refused,
        System::nanoTime);
    this.store = LmdbStore.open(data, p.storageMapMegabytes() << 20, p.durability() == Durability.SYNC, true);
    DurableLog durable = new DurableLog(store, this::signOwn, decoder, self);
    DurableState serviceState = service.durableState();
    if (serviceState != null) {
      durable.serviceStoresItself(serviceState);
    }
    this.epochs = EpochHandover.open(self, config, data, encoder, durable, scheduler, stateTransfer, metrics,
        (peer, notice) -> write(peer < config.n() ? links.replica(peer) : links.client(peer), notice),
        () -> dev.bft.core.protocol.StateDigests.checkpoint(service.stateDigest(),
            ReplicaNode.this.shell.replica().clientTable()), this::refused);
    Transport transport = new LinkTransport(links::replica, links::client,
        () -> refused(ShellRefusal.OUTBOUND_QUEUE_FULL.name()));
    ReplicaShell.Io io = new ReplicaShell.Io(transport, new SystemShellClock(scheduler, clockOffsetMillis), Lane.THREADS, durable);
    ReplicaConfig rc = p.replicaConfig(quorum, self);
    this.shell = new ReplicaShell(self, quorum, p.checkpointInterval(), encoder, decoder, io, new Host(),
        new NodeCheckpoints(), ShellParts.PRODUCTION, metrics, effects -> {
          Replica replica;
          if (durable.isEmpty()) {
            replica = new Replica(rc, service, effects);
          } else {
            long[] view = new long[1];
            RecoveredState recovered = durable.recover(service, view);
            LOG.info("replica {}: recovered from {}: view {}, state at sequence {}, {} log records", self, data, view[0],
                recovered.lastExecuted(), recovered.log().size());
            replica = Replica.recover(rc, service, effects, recovered);
          }
          replica.governedBy(epochs.rules());
          if (config.epoch() > 0 && replica.lastExecuted() == config.start().sequence()) {
            // The epoch's start is served to any replica of the new group that lacks it.
            stateTransfer.hold(replica.lastExecuted(), service.snapshot(), replica.clientTable().copy());
          }
          return replica;
        });
    if (serviceState != null) {
      shell.storeExecutionIn(serviceState, p.checkpointInterval());
    }
    this.admin = new AdminSocket(data, "replica " + self,
        Map.of(SnapshotExport.COMMAND, SnapshotExport.command(self, shell, stateTransfer, encoder)));
    if (clockOffsetMillis != 0) {
      LOG.warn("replica {}: running with its clock moved by {} ms (fault injection: --clock-offset-ms)", self,
          clockOffsetMillis);
    }
  }

  private void verifyAll(java.util.List<Inbound> group) {
    shell.verifyAll(group);
  }

  private void halt() {
    if (shell != null) {
      shell.halt();
    }
  }

  private void refused(String reason) {
    rejected.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    LOG.debug("replica {}: refused {}", self, reason);
  }

  /** Signs an own message as the durable log stores it; on the writer thread, once per commit. */
  private byte[] signOwn(Message m) {
    return shell.signed(m);
  }

  /** Binds the port, connects to the higher replicas, starts the protocol. */
  public void start() throws InterruptedException {
    start(new HostPort(config.replica(self).host(), config.replica(self).port()));
  }

  /**
   * As {@link #start()}, but listens on {@code bind} (host 0.0.0.0: every interface) instead of the
   * address the cluster file advertises, for a replica behind NAT, a port forward or a relay, or in
   * a container whose advertised name is not an address of its own.
   */
  public void start(HostPort bind) throws InterruptedException {
    links.start(group, scheduler, bind);
    verificationPool.start();
    shell.start();
    admin.start();
    // A replica stopped after its epoch checkpoint became stable, before it moved on, moves on now.
    shell.onProtocolLane(() -> epochs.resume(shell.replica()));
    LOG.info("replica {} listening on {}, advertised as {} (n={}, f={}, tls {})", self, bind,
        config.replica(self).address(), config.n(), config.f(),
        config.parameters().tls() ? "on" : "OFF");
    if (!config.parameters().tls()) {
      LOG.warn("replica {}: TLS IS OFF (tls = off in the cluster file): links are not encrypted and anyone on the path "
          + "reads every operation; this setting exists to measure what TLS costs, not to run a cluster", self);
    }
  }

  /** State transfer's own frames, written and flushed at once; a backed-up link loses them (counted). */
  private void write(Channel c, byte[] frame) {
    if (c == null || !c.isActive()) {
      return;
    }
    if (!c.isWritable()) {
      refused(ShellRefusal.OUTBOUND_QUEUE_FULL.name());
      return;
    }
    Frames.write(c, frame);
  }

  /** What the shell reports: refusals counted, clients quarantined, state transfer served, failures supervised. */
  private final class Host implements ReplicaShell.Host {
    @Override
    public void refused(String reason) {
      ReplicaNode.this.refused(reason);
    }

    @Override
    public void quarantine(int client, String why) {
      links.quarantine(client, why);
    }

    @Override
    public void stateTransfer(int peer, Message m) {
      if (m instanceof FetchState fetch) {
        stateTransfer.serve(peer, fetch); // served from an immutable snapshot, off the protocol lane
      } else if (m instanceof StateChunk chunk && stateTransfer.wanted(chunk)) {
        shell.onProtocolLane(() -> stateTransfer.onState(peer, chunk, shell.replica().view()));
      }
    }

    @Override
    public void failed(String part, Throwable cause) {
      supervisor.failed(part, cause);
    }

    @Override
    public void olderEpoch(int peer) {
      epochs.tellOfThisEpoch(peer);
    }

    @Override
    public void epochNotice(int replica, byte[] frame) {
      epochs.told(replica, frame);
    }
  }


  /** Checkpoint snapshots and state transfer, as the effects need them. */
  private final class NodeCheckpoints implements Checkpoints {
    @Override
    public StateSnapshot snapshot() {
      return service.snapshot();
    }

    @Override
    public void hold(long sequence, StateSnapshot snapshot, ClientTable clients) {
      stateTransfer.hold(sequence, snapshot, clients);
    }

    @Override
    public void stable(long sequence) {
      stateTransfer.stable(sequence);
    }

    @Override
    public void fetch(long sequence, Digest digest) {
      stateTransfer.fetch(sequence, digest, service, shell::onProtocolLane, scheduler,
          s -> shell.replica().fetchingState() == s && shell.replica().lastExecuted() < s,
          (seq, clients) -> shell.replica().onStateInstalled(seq, clients));
    }

    @Override
    public void epochEnded(long sequence, long boundary, Digest next) {
      epochs.ended(sequence, boundary, next);
    }

    @Override
    public void epochProven(long boundary, java.util.List<dev.bft.core.message.Checkpoint> proof) {
      epochs.proven(boundary, proof);
    }
  }

  /** When the next epoch is proven and stored: {@code bft replica} restarts in it, or, left out, stops ({@link #linkedTo}). */
  public void onNewEpoch(Consumer<ClusterConfig> action) {
    epochs.onNewEpoch(action);
  }

  /** Whether replica {@code id} of this epoch holds an authenticated link with this one now. */
  public boolean linkedTo(int id) {
    Channel c = links.replica(id);
    return c != null && c.isActive();
  }

  /** The cluster file's {@code file}, or the newer epoch that data directory {@code data} has moved to since. */
  public static ClusterConfig configurationFor(Path data, ClusterConfig file) {
    return EpochRecord.current(data, file);
  }

  /** Makes this replica Byzantine: everything it sends passes through {@code behaviour}. For attack demos and tests. */
  public void playByzantine(OutboundFilter behaviour) {
    LOG.warn("replica {}: playing a Byzantine behaviour ({}); it no longer follows the protocol", self,
        behaviour.getClass().getSimpleName());
    shell.playByzantine(behaviour);
  }

  public ReplicaMetrics metrics() {
    return metrics;
  }

  public TransferStats transferStats() {
    return stateTransfer.stats();
  }

  /** Replicas that sent a bad signature and whose frames are therefore verified alone. */
  public Set<Integer> replicasVerifiedAlone() {
    return shell.replicasVerifiedAlone();
  }

  /** Unauthenticated connections this replica holds now. */
  public int preAuthenticatedLinks() {
    return links.preAuthenticated();
  }

  /** Frames and links refused, by reason, and messages dropped because a peer's queue was full. */
  public Map<String, Long> rejectedFrames() {
    Map<String, Long> out = new HashMap<>();
    rejected.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    admin.close();
    links.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    shell.stop(2000);
    verificationPool.stop();
    scheduler.shutdownNow();
    stateTransfer.close();
    store.close();
    closeService();
    metrics.close();
  }

  private void closeService() {
    if (service instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("replica {}: closing the service: {}", self, e.toString());
      }
    }
  }
}
