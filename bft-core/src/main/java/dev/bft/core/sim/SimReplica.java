package dev.bft.core.sim;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Batch;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.SnapshotPieces;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.Manifests;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.crypto.Digest;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.TimerId;
import java.util.ArrayList;
import java.util.List;

/** One replica in the simulation: the real {@link Replica} wired to the simulated network, timers and storage. */
final class SimReplica implements Effects {
  final int id;
  Replica replica;
  dev.bft.core.service.ReplicatedService service;
  boolean up = true;
  final List<LogRecord> persisted = new ArrayList<>();
  /** The raw service (the replica sees it through the checkers); snapshots come from it. */
  dev.bft.core.service.ReplicatedService rawService;
  private final java.util.NavigableMap<Long, HeldCheckpoint> snapshots = new java.util.TreeMap<>();
  private StateFetcher transfer;
  private long transferTimerGeneration;
  /** A Byzantine state server: every manifest and chunk it serves is corrupted. */
  boolean servesCorruptState;
  /**
   * Twins: a second, independent copy of this replica with the same identity. The original talks
   * only to {@code twinGroup}'s complement... see {@link #makeTwin}. Null unless this replica is twinned.
   */
  Replica twin;
  private java.util.Set<Integer> originalAudience;

  /**
   * Runs a second copy of this replica (same id, same key) that talks to the replicas outside
   * {@code originalAudience}, while the original talks only to those inside: each half of the
   * cluster sees a consistent replica, but not the same one.
   */
  void makeTwin(java.util.Set<Integer> audience, dev.bft.core.service.ReplicatedService twinService) {
    originalAudience = java.util.Set.copyOf(audience);
    byzantine = (self, to, message, now) -> audience.contains(to) ? java.util.List.of(new OutboundFilter.Outbound(to, message))
        : java.util.List.of();
    TwinEffects effects = new TwinEffects();
    twin = new Replica(replica.config(), twinService, effects);
    twin.start();
  }

  /** The twin's effects: it speaks only to the replicas outside the original's audience. */
  private final class TwinEffects implements dev.bft.core.protocol.Effects {
    private final long[] generation = new long[TimerId.values().length];

    @Override
    public void send(int to, ReplicaMessage message) {
      if (to != id && !originalAudience.contains(to)) {
        sim.network().carry(id, to, message, m -> sim.replica(to).receive(m));
      }
    }

    @Override
    public void broadcast(ReplicaMessage message) {
      for (int to = 0; to < sim.replicaCount(); to++) {
        send(to, message);
      }
    }

    @Override
    public void reply(Reply reply) {
      SimClient client = sim.client(reply.clientId());
      if (client != null) {
        sim.network().carry(id, -1, reply, client::receive);
      }
    }

    @Override
    public void forward(int to, Request request) {}

    @Override
    public void persist(LogRecord record) {}

    @Override
    public void setTimer(TimerId timer, long ticks) {
      long g = ++generation[timer.ordinal()];
      sim.queue().at(sim.now() + ticks, () -> {
        if (generation[timer.ordinal()] == g) {
          twin.onTimer(timer);
        }
      });
    }

    @Override
    public void cancelTimer(TimerId timer) {
      generation[timer.ordinal()]++;
    }

    @Override
    public void executed(long sequence, Batch batch) {}

    @Override
    public void checkpointTaken(long sequence, Digest digest, ClientTable clients) {}

    @Override
    public void fetchState(long sequence, Digest digest) {}
  }

  /** A Byzantine replica's rewriting of what it sends; null for a correct replica. */
  OutboundFilter byzantine;
  /** A censoring replica: while it is primary it ignores this client's requests (-1: nobody). */
  int censoredClient = -1;
  private final Simulation sim;
  private final long[] timerGeneration = new long[TimerId.values().length];

  SimReplica(int id, Simulation sim) {
    this.id = id;
    this.sim = sim;
  }

  private dev.bft.storage.LmdbStore store;
  private dev.bft.core.runtime.DurableLog durable;

  /** From now on this replica persists to a real LMDB environment and restarts from it. */
  void openDurableLog(java.nio.file.Path dir, SimSigning signing) {
    store = dev.bft.storage.LmdbStore.open(dir, 256L << 20, false, true);
    durable = new dev.bft.core.runtime.DurableLog(store, signing.replicaEncoders[id], signing.decoder, id);
  }

  void closeDurableLog() {
    if (store != null) {
      store.close();
      store = null;
    }
  }

  /** The end of one event: what it persisted becomes durable (its messages are already on their way, later in time). */
  private void afterEvent() {
    if (durable != null) {
      durable.commit();
    }
  }

  /** Loses everything not persisted: messages in flight to it, its timers, its volatile protocol state. */
  void crash() {
    up = false;
    if (durable != null) {
      durable.discardUncommitted();
    }
    for (int i = 0; i < timerGeneration.length; i++) {
      timerGeneration[i]++;
    }
    sim.trace("crash", id, replica.lastExecuted());
  }

  /**
   * Restarts from durable state. Execution is synchronous with the client table and service state
   * here, as the storage layer commits them in one transaction, so both survive as they were.
   */
  void restart() {
    if (transfer != null) {
      transfer.stop();
      transfer = null; // it held the old service; a new fetch builds a new one
      transferTimerGeneration++;
    }
    if (durable != null) {
      // Everything in memory is gone, the service state included: rebuild from LMDB.
      rawService = sim.options().service().get();
      service = sim.checkedService(id, rawService);
      RecoveredState recovered = durable.recover(rawService, new long[1]);
      sim.restartedFrom(id, recovered.clientTable());
      for (SimObserver o : sim.observers()) {
        o.stateInstalled(id, recovered.lastExecuted(), sim.now());
      }
      snapshots.clear();
      replica = Replica.recover(replica.config(), service, this, recovered);
      up = true;
      sim.trace("restart-lmdb", id, replica.lastExecuted());
      replica.start();
      afterEvent();
      return;
    }
    RecoveredState durable = new RecoveredState(replica.lastExecuted(), replica.clientTable().copy(), persisted);
    replica = Replica.recover(replica.config(), service, this, durable);
    up = true;
    sim.trace("restart", id, replica.lastExecuted());
    replica.start();
  }

  void receive(ReplicaMessage m) {
    if (twin != null && !originalAudience.contains(m.sender())) {
      twin.onMessage(m);
      return;
    }
    if (up) {
      sim.trace("r", id, m);
      replica.onMessage(m);
      afterEvent();
    }
  }

  void receive(Request r) {
    if (twin != null) {
      twin.onRequest(r, sim.now());
    }
    if (up && !(r.clientId() == censoredClient && replica.isPrimary())) {
      sim.trace("q", id, r);
      replica.onRequest(r, sim.now());
      afterEvent();
    }
  }

  /** In LMDB mode messages travel signed, as on the wire, so receivers can persist them as received. */
  private ReplicaMessage wire(ReplicaMessage message) {
    SimSigning signing = sim.signing();
    if (signing == null || message.wire() != null) {
      return message;
    }
    return (ReplicaMessage) signing.decoder.decode(signing.replicaEncoders[id].encode(message)).message();
  }

  @Override
  public void send(int to, ReplicaMessage original) {
    ReplicaMessage message = wire(original);
    if (byzantine != null) {
      for (OutboundFilter.Outbound o : byzantine.toReplica(id, to, message, sim.now())) {
        if (o.to() != id && o.to() >= 0 && o.to() < sim.replicaCount()) {
          sim.queue().at(sim.now() + o.delay(),
              () -> sim.network().carry(id, o.to(), o.message(), m -> sim.replica(o.to()).receive(m)));
        }
      }
      return;
    }
    sim.sent(id, message);
    sim.network().carry(id, to, message, m -> sim.replica(to).receive(m));
  }

  @Override
  public void broadcast(ReplicaMessage original) {
    if (byzantine != null) {
      for (int to = 0; to < sim.replicaCount(); to++) {
        if (to != id) {
          send(to, original);
        }
      }
      return;
    }
    ReplicaMessage message = wire(original);
    sim.sent(id, message);
    for (int to = 0; to < sim.replicaCount(); to++) {
      if (to != id) {
        int target = to;
        sim.network().carry(id, target, message, m -> sim.replica(target).receive(m));
      }
    }
  }

  @Override
  public void reply(Reply original) {
    Reply reply = byzantine == null ? original : byzantine.toClient(id, original, sim.now());
    SimClient client = reply == null ? null : sim.client(reply.clientId());
    if (client != null) {
      sim.network().carry(id, -1, reply, client::receive);
    }
  }

  @Override
  public void forward(int to, Request request) {
    sim.network().carry(id, to, request, r -> sim.replica(to).receive(r));
  }

  @Override
  public void persist(LogRecord record) {
    for (SimObserver o : sim.observers()) {
      o.persisted(id, record, sim.now());
    }
    if (durable != null) {
      durable.add(record);
    }
    if (record instanceof LogRecord.StableCheckpoint sc) {
      persisted.removeIf(r -> sequenceOf(r) <= sc.sequence());
      snapshots.headMap(sc.sequence(), false).clear();
    } else if (record instanceof LogRecord.EnteredView) {
      persisted.removeIf(r -> r instanceof LogRecord.EnteredView);
    }
    persisted.add(record);
  }

  private static long sequenceOf(LogRecord r) {
    if (r instanceof LogRecord.AcceptedPrePrepare a) {
      return a.prePrepare().sequence();
    } else if (r instanceof LogRecord.SentPrepare p) {
      return p.prepare().sequence();
    } else if (r instanceof LogRecord.SentCommit c) {
      return c.commit().sequence();
    } else if (r instanceof LogRecord.Prepared p) {
      return p.certificate().prePrepare().sequence();
    }
    return Long.MAX_VALUE;
  }

  @Override
  public void setTimer(TimerId timer, long ticks) {
    long generation = ++timerGeneration[timer.ordinal()];
    sim.queue().at(sim.now() + ticks, () -> {
      if (up && timerGeneration[timer.ordinal()] == generation) {
        sim.trace("t", id, timer);
        replica.onTimer(timer);
        afterEvent();
      }
    });
  }

  @Override
  public void cancelTimer(TimerId timer) {
    timerGeneration[timer.ordinal()]++;
  }

  @Override
  public void executed(long sequence, Batch batch) {
    sim.onExecuted(id, sequence, batch);
  }

  private dev.bft.core.runtime.ViewChangeLogger viewChanges;

  @Override
  public void viewChangeStarted(long from, long to, String reason) {
    if (viewChanges == null) {
      viewChanges = new dev.bft.core.runtime.ViewChangeLogger(id, sim::now, "ticks");
    }
    viewChanges.started(from, to, reason);
  }

  @Override
  public void viewInstalled(long view) {
    if (viewChanges != null) {
      viewChanges.installed(view);
    }
  }

  /** A copy of the state at a checkpoint, as storage would keep it to serve state transfer. */
  record HeldCheckpoint(SnapshotPieces snapshot, ClientTable clients) {}

  @Override
  public void checkpointTaken(long sequence, dev.bft.crypto.Digest digest, ClientTable clients) {
    for (SimObserver o : sim.observers()) {
      o.checkpointTaken(id, sequence, sim.now());
    }
    StateSnapshot snapshot = rawService.snapshot();
    snapshots.put(sequence, new HeldCheckpoint(new SnapshotPieces(snapshot), clients));
    if (durable != null) {
      durable.addState(sequence, snapshot, clients);
    }
  }

  @Override
  public void fetchState(long sequence, dev.bft.crypto.Digest digest) {
    if (transfer == null) {
      transfer = new StateFetcher(id, sim.replicaCount(), rawService, new TransferShell(), sim.transferStats());
    }
    transfer.start(sequence, digest);
  }

  /** Whether a STATE frame with this chunk would pass the real decoder's limit (else it is dropped, as there). */
  private static boolean fitsOneFrame(byte[] chunk) {
    return chunk != null && chunk.length <= WireLimits.defaults().maxChunkBytes();
  }

  void serveManifest(int requester, long sequence, int page) {
    HeldCheckpoint held = snapshots.get(sequence);
    if (up && held != null) {
      Digest[] leaves = held.snapshot().leaves();
      if (servesCorruptState) {
        leaves[leaves.length - 1] = Digest.sha256(leaves[leaves.length - 1].bytesUnsafe());
      }
      byte[] bytes = Manifests.page(leaves, held.clients(), page);
      if (fitsOneFrame(bytes)) {
        sim.network().carry(id, requester, bytes, b -> sim.replica(requester).receiveManifest(id, sequence, page, b));
      }
    }
  }

  void serveChunk(int requester, long sequence, int index) {
    HeldCheckpoint held = snapshots.get(sequence);
    if (up && held != null && index < held.snapshot().indexBound()) {
      byte[] chunk = held.snapshot().piece(index);
      if (servesCorruptState && chunk.length > 0) {
        chunk[chunk.length - 1] ^= 1;
      }
      if (fitsOneFrame(chunk)) {
        sim.network().carry(id, requester, chunk, c -> sim.replica(requester).receiveChunk(id, sequence, index, c));
      }
    }
  }

  private void receiveManifest(int peer, long sequence, int page, byte[] bytes) {
    if (up && transfer != null) {
      transfer.onManifestPage(peer, sequence, page, bytes, replica.view());
    }
  }

  private void receiveChunk(int peer, long sequence, int index, byte[] chunk) {
    if (up && transfer != null) {
      transfer.onChunk(peer, sequence, index, chunk);
    }
  }

  /** Carries the fetcher's requests over the simulated network to the peers' snapshot stores. */
  private final class TransferShell implements FetchEffects {
    @Override
    public void requestManifest(int peer, long sequence) {
      requestManifestPage(peer, sequence, 0);
    }

    @Override
    public void requestManifestPage(int peer, long sequence, int page) {
      sim.trace("fetch-manifest", id, sequence + " page " + page + " from " + peer);
      sim.network().carry(id, peer, sequence, s -> sim.replica(peer).serveManifest(id, s, page));
    }

    @Override
    public void requestChunk(int peer, long sequence, int index) {
      sim.network().carry(id, peer, index, i -> sim.replica(peer).serveChunk(id, sequence, i));
    }

    @Override
    public void setRetryTimer(long ticks) {
      long generation = ++transferTimerGeneration;
      sim.queue().at(sim.now() + ticks, () -> {
        if (up && generation == transferTimerGeneration && transfer != null) {
          transfer.onRetryTimer();
        }
      });
    }

    @Override
    public boolean wanted(long sequence) {
      return replica.fetchingState() == sequence && replica.lastExecuted() < sequence;
    }

    @Override
    public void installed(long sequence, ClientTable clients) {
      sim.trace("installed", id, sequence);
      for (SimObserver o : sim.observers()) {
        o.stateInstalled(id, sequence, sim.now());
      }
      replica.onStateInstalled(sequence, clients);
      afterEvent();
    }
  }
}
