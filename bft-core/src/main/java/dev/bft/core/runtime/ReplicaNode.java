package dev.bft.core.runtime;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.Durability;
import dev.bft.core.config.ProtocolParameters;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.Message;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Request;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.codec.ClusterBounds;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.message.codec.VerifiedSignatures;
import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.TransferStats;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.storage.LmdbStore;
import dev.bft.storage.StorageException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica process: the pure {@link Replica} on a single protocol thread, between its parts:
 * {@link PeerLinks} (authenticated links) → {@link InboundVerification} (decode, verify) → the
 * protocol thread (here) → {@link ReplicaEffects} → {@link CommitStage} (persist, then send).
 * {@link StateTransferShell} serves and fetches checkpoint state. Any thread's failure stops the
 * replica through its {@link Supervisor}.
 */
public final class ReplicaNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaNode.class);
  private static final int MAX_FRAME = WireLimits.defaults().maxFrameBytes();

  private final ClusterConfig config;
  private final int self;
  private final Quorum quorum;
  private final MessageEncoder encoder;
  private final Supervisor supervisor;
  private final GroupedExecutor protocolLoop;
  private final CommitStage commits;
  private final InboundVerification verification;
  private final PeerLinks links;
  private final ScheduledExecutorService scheduler;
  private final EventLoopGroup group;
  private final Replica replica;
  private final ReplicaEffects effects;
  private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final LmdbStore store;
  /** The application's state machine: touched on the protocol thread only (snapshots excepted). */
  private final ReplicatedService service;
  private final StateTransferShell stateTransfer;
  private final ReplicaMetrics metrics;
  /** The verification pool's cheap check before signatures, fed by the protocol thread. */
  private final VoteFilter voteFilter;

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
    this(config, self, key, data, new KeyValueService(), onFatal);
  }

  /**
   * A replica of {@code service}, which must be fresh (its initial state): a replica with stored
   * state installs it into the service. Every replica of the cluster must run the same service.
   */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Path data, ReplicatedService service,
                     Consumer<Throwable> onFatal) {
    this.config = config;
    this.service = java.util.Objects.requireNonNull(service, "service");
    this.self = self;
    this.quorum = new Quorum(config.n(), config.f());
    if (!config.replica(self).publicKey().equals(key.publicKey())) {
      throw new IllegalArgumentException("the key given for replica " + self + " does not match its public key in the cluster file");
    }
    this.supervisor = new Supervisor("replica " + self, e -> {
      closed = true;
      onFatal.accept(e);
    });
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    config.replicas().forEach((id, r) -> replicaKeys.put(id, r.publicKey()));
    KeyDirectory keys = KeyDirectory.of(replicaKeys, config.clients());
    this.encoder = new MessageEncoder(self, key);
    MessageDecoder decoder = new MessageDecoder(keys, WireLimits.defaults(), new VerifiedSignatures(1 << 16),
        ClusterBounds.of(config.n(), config.parameters().checkpointInterval(), config.parameters().logWindow()));
    this.voteFilter = new VoteFilter(config.n(), config.parameters().checkpointInterval());
    this.protocolLoop = new GroupedExecutor("protocol-" + self, 256, this::handOff, supervisor::failed);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "timers-" + self));
    this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ProtocolParameters p = config.parameters();
    this.metrics = new ReplicaMetrics(self, this::rejectedFrames, this::verificationBacklog, decoder.tally());
    Consumer<String> refusals = reason -> {
      rejected.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
      LOG.debug("replica {}: refused {}", self, reason);
    };
    this.verification = new InboundVerification(self, quorum, decoder, voteFilter, refusals,
        this::quarantine, this::verified, supervisor);
    LinkTls tls = p.tls() ? new LinkTls(key, "bft replica " + self, trustedKeys(config)) : null;
    Handshake.Ends ends = new Handshake.Ends(self, encoder, decoder,
        (ctx, id) -> LinkTls.peerHolds(ctx, keys.replica(id) != null ? keys.replica(id) : keys.client(id)), MAX_FRAME);
    this.links = new PeerLinks(config, self, ends, tls, verification.queue, refusals, supervisor, metrics::clientSessionOpened);
    this.stateTransfer = new StateTransferShell(self, config.n(), encoder, links::replica, this::write, refusals, System::nanoTime);
    this.store = LmdbStore.open(data, p.storageMapMegabytes() << 20, p.durability() == Durability.SYNC, true);
    DurableLog durable = new DurableLog(store, this::signOwn, decoder, self);
    this.commits = new CommitStage(self, encoder, durable, links::client, this::write, this::storageFailed,
        metrics::stage, supervisor::failed);
    ProtocolTimers timers = new ProtocolTimers(scheduler, protocolLoop, this::timerFired);
    this.effects = new ReplicaEffects(self, config.n(), encoder, commits, links::replica, this::write, scheduler, durable,
        voteFilter, timers, metrics, new Checkpoints());
    ReplicaConfig rc = replicaConfig(quorum, self, p);
    if (durable.isEmpty()) {
      this.replica = new Replica(rc, service, effects);
    } else {
      long[] view = new long[1];
      RecoveredState recovered = durable.recover(service, view);
      this.replica = Replica.recover(rc, service, effects, recovered);
      LOG.info("replica {}: recovered from {}: view {}, state at sequence {}, {} log records", self, data, view[0],
          recovered.lastExecuted(), recovered.log().size());
    }
    publishProgress();
  }

  private int verificationBacklog() {
    return verification.queue.size();
  }

  private void quarantine(int client, String why) {
    links.quarantine(client, why);
  }

  /** Signs an own message as the durable log stores it; on the writer thread, once per commit. */
  private byte[] signOwn(Message m) {
    return commits.signed(m);
  }

  private void timerFired(dev.bft.core.protocol.TimerId timer) {
    onProtocolThread(() -> replica.onTimer(timer));
  }

  private static ReplicaConfig replicaConfig(Quorum quorum, int self, ProtocolParameters p) {
    long batchDelay = p.batchDelayMillis() == ProtocolParameters.UNTIL_DRAINED ? ReplicaConfig.UNTIL_DRAINED : p.batchDelayMillis();
    return new ReplicaConfig(quorum, self, p.batchSize(), batchDelay, p.pipelineDepth(), p.checkpointInterval(),
        p.logWindow(), p.viewChangeTimeoutMillis(), p.primaryIdleTimeoutMillis(), p.batchLingerMillis());
  }

  /** Every key a peer of a replica may show TLS: the replicas' and the clients'. */
  private static Set<Ed25519PublicKey> trustedKeys(ClusterConfig config) {
    Set<Ed25519PublicKey> keys = new HashSet<>(config.clients().values());
    config.replicas().values().forEach(r -> keys.add(r.publicKey()));
    return keys;
  }

  /** Runs a protocol event; what it decided is handed to the storage writer after its group (see {@link GroupedExecutor}). */
  private void onProtocolThread(Runnable event) {
    long queued = System.nanoTime();
    protocolLoop.execute(() -> {
      metrics.stage(Stage.PROTOCOL_QUEUE, System.nanoTime() - queued);
      if (!closed) {
        event.run();
      }
    });
  }

  private void publishProgress() {
    voteFilter.publish(replica.view(), replica.lowWatermark(), replica.highWatermark(), replica.lastExecuted());
    for (int i = 0; i < config.n(); i++) {
      voteFilter.publishViewChange(i, replica.latestViewChangeOf(i));
    }
    metrics.view.set(replica.view());
    metrics.lastExecuted.set(replica.lastExecuted());
    metrics.stableCheckpoint.set(replica.stableCheckpoint());
    metrics.lingerWaits.set(replica.lingerWaits());
    metrics.lingerWaitsUnpaid.set(replica.lingerWaitsUnpaid());
  }

  /** After a group of events on the protocol thread: publish progress, hand the group's effects to the writer. */
  private void handOff() {
    publishProgress();
    effects.handOff();
  }

  private void storageFailed(StorageException e) {
    supervisor.failed("storage-" + self, e);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Binds the port, connects to the higher replicas, starts the protocol. */
  public void start() throws InterruptedException {
    links.start(group, scheduler);
    verification.start();
    commits.start();
    protocolLoop.start();
    onProtocolThread(replica::start);
    LOG.info("replica {} listening on {} (n={}, f={}, tls {})", self, config.replica(self).address(), config.n(),
        config.f(), config.parameters().tls() ? "on" : "OFF");
    if (!config.parameters().tls()) {
      LOG.warn("replica {}: TLS IS OFF (tls = off in the cluster file): links are not encrypted and anyone on the path "
          + "reads every operation; this setting exists to measure what TLS costs, not to run a cluster", self);
    }
  }

  /**
   * Sends unless the link's outbound buffer is over its limit: a slow or stuck peer then loses
   * messages (PBFT recovers them by retransmission) instead of exhausting this replica's memory.
   */
  private void write(Channel c, byte[] frame) {
    if (c == null || !c.isActive()) {
      return;
    }
    if (!c.isWritable()) {
      rejected.computeIfAbsent(ShellRefusal.OUTBOUND_QUEUE_FULL.name(), k -> new AtomicLong()).incrementAndGet();
      return;
    }
    if (commits.onWriterThread()) {
      commits.writeDeferred(c, frame);
    } else {
      Frames.write(c, frame);
    }
  }

  /** On the verification pool: a message that passed its checks, on its way to the protocol thread. */
  private void verified(int peer, Message m, long readAt) {
    if (m instanceof FetchState fetch) {
      stateTransfer.serve(peer, fetch); // served from an immutable snapshot, off the protocol thread
      return;
    }
    if (m instanceof StateChunk chunk) {
      if (stateTransfer.wanted(chunk)) {
        onProtocolThread(() -> stateTransfer.onState(peer, chunk, replica.view()));
      }
      return;
    }
    long now = System.currentTimeMillis();
    metrics.stage(Stage.VERIFY, System.nanoTime() - readAt);
    onProtocolThread(() -> {
      if (m instanceof Request req) {
        effects.arrived(req, System.nanoTime());
        replica.onRequest(req, now);
      } else if (m instanceof ReplicaMessage rm && quorum.isReplica(peer)) {
        replica.onMessage(rm);
      }
    });
  }

  /** Checkpoint snapshots and state transfer, as the effects need them. */
  private final class Checkpoints implements ReplicaEffects.Checkpoints {
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
      stateTransfer.fetch(sequence, digest, service, ReplicaNode.this::onProtocolThread, scheduler,
          s -> replica.fetchingState() == s && replica.lastExecuted() < s, replica::onStateInstalled);
    }
  }

  /** Makes this replica Byzantine: everything it sends passes through {@code behaviour}. For attack demos and tests. */
  public void playByzantine(OutboundFilter behaviour) {
    LOG.warn("replica {}: playing a Byzantine behaviour ({}); it no longer follows the protocol", self,
        behaviour.getClass().getSimpleName());
    effects.playByzantine(behaviour);
  }

  public ReplicaMetrics metrics() {
    return metrics;
  }

  public TransferStats transferStats() {
    return stateTransfer.stats();
  }

  /** Replicas that sent a bad signature and whose frames are therefore verified alone. */
  public Set<Integer> replicasVerifiedAlone() {
    return verification.forgers();
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
    closed = true;
    links.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    protocolLoop.stop(2000);
    commits.stop(2000);
    verification.stop();
    scheduler.shutdownNow();
    store.close();
    metrics.close();
  }
}
