package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.Durability;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.storage.LmdbStore;
import dev.bft.storage.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.message.Batch;
import dev.bft.core.message.Hello;
import dev.bft.core.message.Message;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.EnvelopeHeader;
import dev.bft.core.message.codec.Rejection;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.message.codec.VerifiedSignatures;
import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.protocol.TimerId;
import dev.bft.core.service.KeyValueService;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica process: the pure {@link Replica} on a single protocol thread, fed by Netty links.
 * Frames are decoded and their signatures verified on a pool before they reach the protocol
 * thread. Replica i listens on its configured port; it connects to every replica with a higher
 * id and accepts from lower ids and from clients, so each pair of replicas shares one link.
 */
public final class ReplicaNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaNode.class);
  private static final int MAX_FRAME = WireLimits.defaults().maxFrameBytes();
  /** Frames verified together at most: enough for the batch equation to pay, few enough to keep latency. */
  private static final int MAX_VERIFY_GROUP = 64;
  /** Per link: above 8 MiB queued, a link is unwritable and further messages to it are dropped and counted. */
  private static final io.netty.channel.WriteBufferWaterMark OUTBOUND_LIMIT =
      new io.netty.channel.WriteBufferWaterMark(4 << 20, 8 << 20);

  private final ClusterConfig config;
  private final int self;
  private final Quorum quorum;
  private final MessageEncoder encoder;
  private final MessageDecoder decoder;
  private final GroupedExecutor protocolLoop;
  private final CommitStage commits;
  private final FairVerificationQueue<Inbound> verifyPool;
  private final ScheduledExecutorService scheduler;
  private final EventLoopGroup group;
  private final Channel[] peers;
  /** The link each client identity last proved itself on; several identities may share one. */
  private final Map<Integer, ClientLink> clients = new ConcurrentHashMap<>();
  /** Clients that sent what no correct client sends on its own link: refused for a while. */
  private final ClientQuarantine quarantine = new ClientQuarantine(10_000, System::nanoTime);
  private final Replica replica;
  private final ProtocolTimers timers;
  private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  /** Replicas that sent a frame with a bad signature: kept out of batch verification. */
  private final Set<Integer> forgers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private Channel server;
  private final LmdbStore store;
  private final DurableLog durable;
  private final KeyValueService service = new KeyValueService();
  /** Checkpoint snapshots this replica serves to others: copy-on-write, kept until a later one is stable. */
  private final java.util.NavigableMap<Long, HeldCheckpoint> snapshots = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final dev.bft.core.statetransfer.TransferStats transferStats = new dev.bft.core.statetransfer.TransferStats();
  private dev.bft.core.statetransfer.StateFetcher fetcher;
  private final ReplicaMetrics metrics;
  /** Set only when this replica was told to play a Byzantine behaviour (bin/bft replica --byzantine). */
  private volatile dev.bft.core.sim.OutboundFilter byzantine;
  /** Arrival times of requests received directly from clients, for the latency metric (bounded). */
  private final java.util.LinkedHashMap<Digest, Long> arrivals = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, Long> eldest) {
      return size() > 100_000;
    }
  };
  private java.util.concurrent.ScheduledFuture<?> fetchRetry;

  private record HeldCheckpoint(dev.bft.core.service.KvSnapshot snapshot, ClientTable clients) {}
  private final java.util.function.Consumer<Throwable> onFatal;

  /**
   * @param onFatal called (once, off the protocol thread) when the replica cannot go on safely, e.g.
   *                its storage can no longer be written: it must not send what it cannot remember
   */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, java.util.function.Consumer<Throwable> onFatal) {
    this(config, self, key, config.dataDirectory().resolve("replica-" + self), onFatal);
  }

  /** As above, with the LMDB environment in {@code data} instead of {@code <data.dir>/replica-<id>}. */
  public ReplicaNode(ClusterConfig config, int self, Ed25519KeyPair key, Path data,
                     java.util.function.Consumer<Throwable> onFatal) {
    this.onFatal = onFatal;
    this.config = config;
    this.voteFilter = new VoteFilter(config.n(), config.parameters().checkpointInterval());
    this.self = self;
    this.quorum = new Quorum(config.n(), config.f());
    if (!config.replica(self).publicKey().equals(key.publicKey())) {
      throw new IllegalArgumentException("the key given for replica " + self + " does not match its public key in the cluster file");
    }
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    config.replicas().forEach((id, r) -> replicaKeys.put(id, r.publicKey()));
    this.encoder = new MessageEncoder(self, key);
    this.decoder = new MessageDecoder(KeyDirectory.of(replicaKeys, config.clients()), WireLimits.defaults(),
        new VerifiedSignatures(1 << 16), dev.bft.core.message.codec.ClusterBounds.of(config.n(),
        config.parameters().checkpointInterval(), config.parameters().logWindow()));
    this.protocolLoop = new GroupedExecutor("protocol-" + self, 256, this::handOff);
    int cores = Runtime.getRuntime().availableProcessors();
    // A correct client has one request outstanding (and perhaps its retransmission): a backlog of
    // 32 frames from one is already a flood, and quarantines it.
    this.verifyPool = new FairVerificationQueue<>("verify-" + self, cores,
        source -> quorum.isReplica(source) ? 4096 : 32, MAX_VERIFY_GROUP, this::deliverAll);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "timers-" + self));
    this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    this.peers = new Channel[config.n()];
    var p = config.parameters();
    long batchDelay = p.batchDelayMillis() == dev.bft.core.config.ProtocolParameters.UNTIL_DRAINED
        ? ReplicaConfig.UNTIL_DRAINED : p.batchDelayMillis();
    ReplicaConfig rc = new ReplicaConfig(quorum, self, p.batchSize(), batchDelay, p.pipelineDepth(),
        p.checkpointInterval(), p.logWindow(), p.viewChangeTimeoutMillis(), p.primaryIdleTimeoutMillis(),
        p.batchLingerMillis());
    this.timers = new ProtocolTimers(scheduler, protocolLoop, t -> onProtocolThread(() -> fireTimer(t)));
    this.metrics = new ReplicaMetrics(self, this::rejectedFrames, verifyPool::size, decoder.tally());
    this.batchStages = new BatchStageClock(System::nanoTime, metrics::stage);
    this.store = LmdbStore.open(data, p.storageMapMegabytes() << 20, p.durability() == Durability.SYNC, true);
    this.durable = new DurableLog(store, this::signOwn, decoder, self);
    this.commits = new CommitStage(self, encoder, durable, this::clientChannel, this::write, this::storageFailed, metrics::stage);
    if (durable.isEmpty()) {
      this.replica = new Replica(rc, service, new NodeEffects());
    } else {
      long[] view = new long[1];
      RecoveredState recovered = durable.recover(service, view);
      this.replica = Replica.recover(rc, service, new NodeEffects(), recovered);
      LOG.info("replica {}: recovered from {}: view {}, state at sequence {}, {} log records", self, data, view[0],
          recovered.lastExecuted(), recovered.log().size());
    }
    publishProgress();
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

  // What the current group of events decided; confined to the protocol thread.
  private List<Runnable> persistsThisGroup = new ArrayList<>();
  private List<Runnable> sendsThisGroup = new ArrayList<>();
  private List<Reply> repliesThisGroup = new ArrayList<>();

  /** The verification pool's cheap check before signatures, fed by the protocol thread. */
  private final VoteFilter voteFilter;

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
    if (persistsThisGroup.isEmpty() && sendsThisGroup.isEmpty() && repliesThisGroup.isEmpty()) {
      return;
    }
    commits.submit(persistsThisGroup, sendsThisGroup, repliesThisGroup);
    persistsThisGroup = new ArrayList<>();
    sendsThisGroup = new ArrayList<>();
    repliesThisGroup = new ArrayList<>();
  }

  /** Signs an own message as the durable log stores it; on the writer thread, once per commit. */
  private byte[] signOwn(Message m) {
    return commits.signed(m);
  }

  private void storageFailed(StorageException e) {
    closed = true;
    LOG.error("replica {}: {}", self, e.getMessage());
    new Thread(() -> onFatal.accept(e), "fatal-" + self).start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Binds the port, connects to the higher replicas, starts the protocol. */
  public void start() throws InterruptedException {
    ReplicaEndpoint me = config.replica(self);
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, OUTBOUND_LIMIT)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Frames.install(ch.pipeline(), MAX_FRAME);
            ch.pipeline().addLast(Handshake.accepting(self, encoder, decoder,
                id -> !quorum.isReplica(id) && quarantine.refuses(id), ReplicaNode.this::linkUp));
          }
        }).bind(me.host(), me.port()).sync().channel();
    for (int peer = self + 1; peer < config.n(); peer++) {
      connect(peer);
    }
    verifyPool.start();
    commits.start();
    protocolLoop.start();
    onProtocolThread(replica::start);
    LOG.info("replica {} listening on {} (n={}, f={})", self, me.address(), config.n(), config.f());
  }

  private void connect(int peer) {
    ReplicaEndpoint target = config.replica(peer);
    new ReconnectingLink(group, scheduler, target.host(), target.port(), MAX_FRAME, 2000,
        () -> Handshake.connecting(self, peer, encoder, decoder, this::replicaLinkUp), () -> closed).start();
  }

  private Channel clientChannel(int client) {
    ClientLink link = clients.get(client);
    return link == null ? null : link.channel();
  }

  /** A link passed the handshake: from now on its frames come from {@code peer} (and, for a client link, identities it adds). */
  private void linkUp(ChannelHandlerContext ctx, int peer, byte[] nonce) {
    if (quorum.isReplica(peer)) {
      replicaLinkUp(ctx, peer);
    } else {
      clientLinkUp(ctx, peer, new ClientLink(ctx.channel(), nonce, peer));
    }
  }

  private void replicaLinkUp(ChannelHandlerContext ctx, int peer) {
    peers[peer] = ctx.channel();
    ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        byte[] frame = Frames.bytes((ByteBuf) msg);
        ((ByteBuf) msg).release();
        if (!verifyPool.submit(peer, new Inbound(peer, frame, System.nanoTime()), false)) {
          rejected.computeIfAbsent("VERIFY_QUEUE_FULL", k -> new AtomicLong()).incrementAndGet();
        }
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext c) {
        verifyPool.wake(); // the frames of this read are verified as one group
      }

      @Override
      public void channelInactive(ChannelHandlerContext c) {
        if (peers[peer] == c.channel()) {
          peers[peer] = null;
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close();
      }
    });
  }

  /**
   * A client link: each frame's claimed sender must be an identity proven on it, else the link is
   * quarantined before any signature work; a HELLO from a new identity is checked here, on the I/O
   * thread, so the REQUESTs behind it on the link find it joined. Frames queue for verification by
   * identity, so each identity keeps its own fair share and bound.
   */
  private void clientLinkUp(ChannelHandlerContext ctx, int first, ClientLink link) {
    clients.put(first, link);
    metrics.clientSessionOpened();
    ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        byte[] frame = Frames.bytes((ByteBuf) msg);
        ((ByteBuf) msg).release();
        EnvelopeHeader claimed = EnvelopeHeader.peek(frame);
        if (claimed != null && claimed.type() == MessageType.HELLO.code()) {
          join(link, claimed.sender(), frame);
        } else if (claimed == null || !link.carries(claimed.sender())) {
          var reason = claimed == null ? Rejection.MALFORMED : Rejection.WRONG_SENDER;
          rejected.computeIfAbsent(reason.name(), k -> new AtomicLong()).incrementAndGet();
          quarantine(link, claimed == null ? "a frame that does not parse" : "a frame of an identity not proven on the link");
        } else if (!verifyPool.submit(claimed.sender(), new Inbound(claimed.sender(), frame, System.nanoTime()), false)) {
          rejected.computeIfAbsent("VERIFY_QUEUE_FULL", k -> new AtomicLong()).incrementAndGet();
          quarantine(link, "more frames queued than the verification bound");
        }
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext c) {
        verifyPool.wake(); // the requests of this read are verified as one group
      }

      @Override
      public void channelInactive(ChannelHandlerContext c) {
        for (int id : link.identities()) {
          clients.remove(id, link);
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close();
      }
    });
  }

  /** Adds an identity to a client link once its HELLO answers the link's nonce; anything else ends the link. */
  private void join(ClientLink link, int client, byte[] frame) {
    if (link.carries(client)) {
      return; // said again: nothing to add, nothing to verify
    }
    if (quorum.isReplica(client) || quarantine.refuses(client)) {
      link.channel().close();
      return;
    }
    DecodeResult r = decoder.decode(frame, client);
    if (r instanceof DecodeResult.Accepted a && a.message() instanceof Hello hello
        && link.answers(hello.nonce())) {
      link.add(client);
      clients.put(client, link);
      metrics.clientSessionOpened();
      return;
    }
    rejected.computeIfAbsent(r instanceof DecodeResult.Rejected rej ? rej.reason().name() : "BAD_HELLO",
        k -> new AtomicLong()).incrementAndGet();
    quarantine(link, "a HELLO that does not answer the link's challenge");
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
      rejected.computeIfAbsent("OUTBOUND_QUEUE_FULL", k -> new AtomicLong()).incrementAndGet();
      return;
    }
    if (commits.onWriterThread()) {
      commits.writeDeferred(c, frame);
    } else {
      Frames.write(c, frame);
    }
  }

  /** A frame received on the link of {@code peer} at {@code readAt} (nanoTime), waiting for the verification stage. */
  private record Inbound(int peer, byte[] frame, long readAt) {}

  /**
   * On the verification pool: decode and verify a group of frames (their signatures by one batch
   * equation), then hand each message to the protocol thread. A replica that once sent a bad
   * signature has its frames checked alone from then on: in a group, each of its forgeries would
   * make the whole batch fail and be checked again one by one, costing every peer's messages twice.
   */
  private void deliverAll(List<Inbound> group) {
    List<byte[]> frames = new ArrayList<>(group.size());
    List<Inbound> grouped = new ArrayList<>(group.size());
    for (Inbound in : group) {
      if (forgers.contains(in.peer())) {
        deliver(in, decoder.decode(in.frame(), -1, voteFilter));
      } else {
        grouped.add(in);
        frames.add(in.frame());
      }
    }
    int[] expectedSenders = new int[grouped.size()];
    for (int i = 0; i < grouped.size(); i++) {
      // A replica link also carries client requests that backups forwarded (signed by their
      // clients); everything else on it must be the peer's own.
      int peer = grouped.get(i).peer();
      expectedSenders[i] = quorum.isReplica(peer) ? -1 : peer;
    }
    List<DecodeResult> results = decoder.decodeAll(frames, expectedSenders, voteFilter);
    for (int i = 0; i < grouped.size(); i++) {
      deliver(grouped.get(i), results.get(i));
    }
  }

  private void deliver(Inbound in, DecodeResult r) {
    int peer = in.peer();
    if (r.accepted() && quorum.isReplica(peer) && !(r.message() instanceof Request) && r.message().sender() != peer) {
      r = new DecodeResult.Rejected(dev.bft.core.message.codec.Rejection.WRONG_SENDER,
          r.message().type() + " of " + r.message().sender() + " on the link of " + peer);
    }
    if (r instanceof DecodeResult.Rejected rej) {
      rejected.computeIfAbsent(rej.reason().name(), k -> new AtomicLong()).incrementAndGet();
      if (rej.reason() == Rejection.BAD_SIGNATURE && quorum.isReplica(peer) && forgers.add(peer)) {
        LOG.warn("replica {}: replica {} sent a bad signature; its frames are verified alone from now on", self, peer);
      }
      LOG.debug("replica {}: rejected a frame from {}: {} {}", self, peer, rej.reason(), rej.detail());
      if (!quorum.isReplica(peer)) {
        quarantine(peer, rej.reason() + ": " + rej.detail());
      }
      return;
    }
    Message m = r.message();
    long now = System.currentTimeMillis();
    if (m instanceof dev.bft.core.message.FetchState fetch) {
      serve(peer, fetch); // served from an immutable snapshot, off the protocol thread
      return;
    }
    metrics.stage(Stage.VERIFY, System.nanoTime() - in.readAt());
    onProtocolThread(() -> {
      if (m instanceof Request req) {
        arrivals.putIfAbsent(req.digest(), System.nanoTime());
        replica.onRequest(req, now);
      } else if (m instanceof ReplicaMessage rm && quorum.isReplica(peer)) {
        replica.onMessage(rm);
      } else if (m instanceof dev.bft.core.message.StateChunk chunk && fetcher != null) {
        if (chunk.chunkTotal() == 0) {
          StateTransferWire.Manifest manifest = StateTransferWire.decodeManifest(chunk.chunk(), replica.view(), self);
          if (manifest != null) {
            fetcher.onManifest(peer, chunk.sequence(), manifest.leaves(), manifest.clients());
          }
        } else {
          fetcher.onChunk(peer, chunk.sequence(), chunk.chunkIndex(), chunk.chunk());
        }
      }
    });
  }

  /** A client proved faulty on its own link: hang up and refuse it (and the identities sharing its link) for a while. */
  private void quarantine(int client, String why) {
    ClientLink link = clients.get(client);
    if (link != null) {
      quarantine(link, why);
    } else if (quarantine.quarantine(client) > 0) { // else: frames queued before the link closed
      rejected.computeIfAbsent("CLIENT_QUARANTINED", k -> new AtomicLong()).incrementAndGet();
      LOG.warn("replica {}: client {} quarantined ({})", self, client, why);
    }
  }

  /** One process sent what no correct client sends: every identity it proved on the link is refused a while. */
  private void quarantine(ClientLink link, String why) {
    for (int id : link.identities()) {
      long millis = quarantine.quarantine(id);
      if (millis > 0) {
        rejected.computeIfAbsent("CLIENT_QUARANTINED", k -> new AtomicLong()).incrementAndGet();
        LOG.warn("replica {}: client {} quarantined for {} ms ({})", self, id, millis, why);
      }
    }
    link.channel().close(); // after the refusal is in place, so a reconnect already meets it
  }

  /** Answers a peer's FETCH from the snapshot of that checkpoint, if this replica still holds it. */
  private void serve(int peer, dev.bft.core.message.FetchState fetch) {
    HeldCheckpoint held = snapshots.get(fetch.sequence());
    Channel c = peers[peer];
    if (held == null || c == null || !c.isActive()) {
      return;
    }
    if (fetch.chunkCount() == 0) {
      byte[] manifest = StateTransferWire.encodeManifest(held.snapshot().chunkDigests(), held.clients());
      write(c, encoder.encode(new dev.bft.core.message.StateChunk(fetch.sequence(), 0, 0, manifest,
          List.of(), self, null)));
      return;
    }
    int total = held.snapshot().bucketCount();
    for (int i = fetch.firstChunk(); i < Math.min(total, fetch.firstChunk() + Math.min(fetch.chunkCount(), 64)); i++) {
      write(c, encoder.encode(new dev.bft.core.message.StateChunk(fetch.sequence(), i, total,
          held.snapshot().chunk(i), List.of(), self, null)));
    }
  }

  /** Makes this replica Byzantine: everything it sends passes through {@code behaviour}. For attack demos and tests. */
  public void playByzantine(dev.bft.core.sim.OutboundFilter behaviour) {
    LOG.warn("replica {}: playing a Byzantine behaviour ({}); it no longer follows the protocol", self,
        behaviour.getClass().getSimpleName());
    this.byzantine = behaviour;
  }

  public ReplicaMetrics metrics() {
    return metrics;
  }

  public dev.bft.core.statetransfer.TransferStats transferStats() {
    return transferStats;
  }

  private void fireTimer(TimerId timer) {
    replica.onTimer(timer);
  }

  /** Replicas that sent a bad signature and whose frames are therefore verified alone. */
  public Set<Integer> replicasVerifiedAlone() {
    return Set.copyOf(forgers);
  }

  /** Frames refused by the decoder, by reason, and messages dropped because a peer's queue was full. */
  public Map<String, Long> rejectedFrames() {
    Map<String, Long> out = new HashMap<>();
    rejected.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    closed = true;
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    protocolLoop.stop(2000);
    commits.stop(2000);
    verifyPool.stop();
    scheduler.shutdownNow();
    store.close();
    metrics.close();
  }

  /** Carries the state fetcher's requests to peers as FETCH messages; its timer posts to the protocol thread. */
  private final class FetchShell implements dev.bft.core.statetransfer.FetchEffects {
    @Override
    public void requestManifest(int peer, long sequence) {
      send(peer, new dev.bft.core.message.FetchState(sequence, Digest.ZERO, 0, 0, self, null));
    }

    @Override
    public void requestChunk(int peer, long sequence, int index) {
      send(peer, new dev.bft.core.message.FetchState(sequence, Digest.ZERO, index, 1, self, null));
    }

    private void send(int peer, dev.bft.core.message.FetchState fetch) {
      byte[] frame = encoder.encode(fetch);
      Channel c = peers[peer];
      if (c != null && c.isActive()) {
        write(c, frame);
      }
    }

    @Override
    public void setRetryTimer(long ticks) {
      if (fetchRetry != null) {
        fetchRetry.cancel(false);
      }
      // ticks are milliseconds; a real link needs more than the simulator's default period
      fetchRetry = scheduler.schedule(() -> onProtocolThread(fetcher::onRetryTimer), Math.max(ticks, 500),
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void installed(long sequence, ClientTable clients) {
      LOG.info("replica {}: installed the state of checkpoint {} ({})", self, sequence, transferStats);
      replica.onStateInstalled(sequence, clients);
    }
  }

  /** The replica's effects, carried out on the protocol thread. */
  // Protocol thread only.
  private final BatchStageClock batchStages;

  /** A pre-prepare logged here: its batch's stage clock starts, and its requests' batching wait ends. */
  private void batchStarted(dev.bft.core.message.PrePrepare pp) {
    batchStages.prePrepared(pp);
    long now = System.nanoTime();
    for (Request r : pp.batch().requests()) {
      Long arrived = arrivals.get(r.digest());
      if (arrived != null) {
        metrics.stage(Stage.BATCHING, now - arrived);
      }
    }
  }

  private final class NodeEffects implements Effects {

    @Override
    public void send(int to, ReplicaMessage message) {
      if (byzantine != null) {
        for (var o : byzantine.toReplica(self, to, message, System.currentTimeMillis())) {
          if (o.to() != self && quorum.isReplica(o.to())) {
            sendsThisGroup.add(() -> {
              byte[] frame = encoder.encode(o.message());
              if (o.delay() > 0) {
                scheduler.schedule(() -> write(peers[o.to()], frame), o.delay(), TimeUnit.MILLISECONDS);
              } else {
                write(peers[o.to()], frame);
              }
            });
          }
        }
        return;
      }
      sendsThisGroup.add(() -> write(peers[to], commits.signed(message)));
    }

    @Override
    public void broadcast(ReplicaMessage message) {
      if (byzantine != null) {
        for (int to = 0; to < peers.length; to++) {
          if (to != self) {
            send(to, message);
          }
        }
        return;
      }
      sendsThisGroup.add(() -> {
        byte[] frame = commits.signed(message);
        for (int to = 0; to < peers.length; to++) {
          if (to != self) {
            write(peers[to], frame);
          }
        }
      });
    }

    @Override
    public void reply(Reply original) {
      Reply reply = byzantine == null ? original : byzantine.toClient(self, original, System.currentTimeMillis());
      if (reply != null) {
        repliesThisGroup.add(reply);
      }
    }

    @Override
    public void forward(int replica, Request request) {
      // The request keeps its client's signature: the primary verifies it as if the client sent it.
      sendsThisGroup.add(() -> write(peers[replica], encoder.encode(request)));
    }

    @Override
    public void persist(LogRecord record) {
      persistsThisGroup.add(() -> durable.add(record));
      if (record instanceof LogRecord.AcceptedPrePrepare a) {
        batchStarted(a.prePrepare());
      } else if (record instanceof LogRecord.Prepared p) {
        batchStages.prepared(p.certificate().prePrepare().sequence());
      }
      voteFilter.persisted(record);
      if (record instanceof LogRecord.StableCheckpoint sc) {
        snapshots.headMap(sc.sequence(), false).clear();
      }
    }

    @Override
    public void setTimer(TimerId timer, long ticks) {
      timers.set(timer, ticks);
    }

    @Override
    public void cancelTimer(TimerId timer) {
      timers.cancel(timer);
    }

    @Override
    public void executed(long sequence, Batch batch) {
      metrics.executed(batch.size());
      batchStages.executed(sequence);
      long now = System.nanoTime();
      for (Request r : batch.requests()) {
        Long arrived = arrivals.remove(r.digest());
        if (arrived != null) {
          metrics.requestLatency(now - arrived);
        }
      }
    }

    @Override
    public void checkpointTaken(long sequence, Digest digest, ClientTable clients) {
      dev.bft.core.service.KvSnapshot snapshot = service.snapshot();
      persistsThisGroup.add(() -> durable.addState(sequence, snapshot.chunkDigests(), snapshot::chunk, clients));
      snapshots.put(sequence, new HeldCheckpoint(snapshot, clients));
    }

    @Override
    public void fetchState(long sequence, Digest digest) {
      if (fetcher == null) {
        fetcher = new dev.bft.core.statetransfer.StateFetcher(self, config.n(), service, new FetchShell(), transferStats);
      }
      LOG.info("replica {}: fetching the state of checkpoint {}", self, sequence);
      fetcher.start(sequence, digest);
    }

    private final ViewChangeLogger viewChanges = new ViewChangeLogger(self, () -> System.nanoTime() / 1_000_000, "ms");

    @Override
    public void viewChangeStarted(long from, long to, String reason) {
      viewChanges.started(from, to, reason);
    }

    @Override
    public void viewInstalled(long view) {
      viewChanges.installed(view);
    }
  }
}
