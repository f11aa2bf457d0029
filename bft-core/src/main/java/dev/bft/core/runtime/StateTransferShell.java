package dev.bft.core.runtime;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.SnapshotPieces;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.core.statetransfer.TransferStats;
import dev.bft.crypto.Digest;
import io.netty.channel.Channel;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State transfer over the links, both sides. Serving: a peer's FETCH is answered from the held
 * snapshot of that checkpoint, off the protocol thread, within a per-peer budget of signed chunks
 * and only while the peer's link can take them (each chunk costs a signature; a Byzantine fetcher
 * gets no more). Fetching: a STATE is taken only while this replica is fetching that very
 * checkpoint; everything else is dropped unread and counted.
 */
final class StateTransferShell {
  private static final Logger LOG = LoggerFactory.getLogger(StateTransferShell.class);
  /** Chunks served to one peer per FETCH at most, and per second on average (bursts up to the same). */
  static final int CHUNKS_PER_FETCH = 64;
  static final int CHUNKS_PER_SECOND = 1024;

  private final int self;
  private final int n;
  private final MessageEncoder encoder;
  private final IntFunction<Channel> replicaLink;
  private final BiConsumer<Channel, byte[]> write;
  private final Consumer<String> refusals;
  private final TokenBuckets serving;
  /** Checkpoint snapshots this replica serves to others: copy-on-write, kept until a later one is stable. */
  private final NavigableMap<Long, Held> snapshots = new ConcurrentSkipListMap<>();
  private final TransferStats stats = new TransferStats();
  /** The checkpoint being fetched, or -1: read off the protocol thread to drop STATE nobody asked for. */
  private volatile long fetching = -1;
  // Protocol thread only.
  private StateFetcher fetcher;
  private ScheduledFuture<?> retry;

  private record Held(SnapshotPieces snapshot, ClientTable clients) {}

  StateTransferShell(int self, int n, MessageEncoder encoder, IntFunction<Channel> replicaLink,
                     BiConsumer<Channel, byte[]> write, Consumer<String> refusals, LongSupplier nanoClock) {
    this.self = self;
    this.n = n;
    this.encoder = encoder;
    this.replicaLink = replicaLink;
    this.write = write;
    this.refusals = refusals;
    this.serving = new TokenBuckets(n, CHUNKS_PER_SECOND, CHUNKS_PER_SECOND, nanoClock);
  }

  TransferStats stats() {
    return stats;
  }

  /** Protocol thread: a checkpoint was taken; its snapshot is served until a later one is stable. */
  void hold(long sequence, StateSnapshot snapshot, ClientTable clients) {
    snapshots.put(sequence, new Held(new SnapshotPieces(snapshot), clients));
  }

  void stable(long sequence) {
    snapshots.headMap(sequence, false).clear();
  }

  /** Verification thread: answers a peer's FETCH from the snapshot of that checkpoint, if held. */
  void serve(int peer, FetchState fetch) {
    Held held = snapshots.get(fetch.sequence());
    Channel c = replicaLink.apply(peer);
    if (held == null || c == null || !c.isActive()) {
      return;
    }
    if (fetch.chunkCount() == 0) { // a page of the manifest
      if (!serving.take(peer)) {
        refusals.accept(ShellRefusal.FETCH_OVER_BUDGET.name());
        return;
      }
      byte[] page = StateTransferWire.encodeManifestPage(held.snapshot().leaves(), held.clients(), fetch.firstChunk());
      if (page != null) {
        write.accept(c, encoder.encode(new StateChunk(fetch.sequence(), fetch.firstChunk(), 0, page, List.of(), self, null)));
      }
      return;
    }
    int total = held.snapshot().indexBound();
    long first = fetch.firstChunk();
    long end = Math.min(total, first + Math.min(fetch.chunkCount(), CHUNKS_PER_FETCH));
    for (long i = Math.max(0, first); i < end; i++) {
      if (!c.isWritable()) {
        return; // the peer does not read what it asked for: signing more would only be dropped
      }
      if (!serving.take(peer)) {
        refusals.accept(ShellRefusal.FETCH_OVER_BUDGET.name());
        return;
      }
      write.accept(c, encoder.encode(new StateChunk(fetch.sequence(), (int) i, total, held.snapshot().piece((int) i),
          List.of(), self, null)));
    }
  }

  /** Verification thread: whether a STATE is for the checkpoint being fetched; if not, dropped unread and counted. */
  boolean wanted(StateChunk chunk) {
    if (chunk.sequence() != fetching || fetching < 0) {
      refusals.accept(ShellRefusal.STATE_UNSOLICITED.name());
      return false;
    }
    return true;
  }

  /** Protocol thread: a verified, wanted STATE; {@code view} is the replica's, for the client table's replies. */
  void onState(int peer, StateChunk chunk, long view) {
    if (fetcher == null) {
      return;
    }
    if (chunk.chunkTotal() == 0) {
      fetcher.onManifestPage(peer, chunk.sequence(), chunk.chunkIndex(), chunk.chunk(), view);
    } else {
      fetcher.onChunk(peer, chunk.sequence(), chunk.chunkIndex(), chunk.chunk());
    }
  }

  /**
   * Protocol thread: start fetching checkpoint {@code sequence}.
   * @param installed takes the client table once every chunk is installed
   * @param onProtocolThread runs the fetcher's retry timer there
   */
  void fetch(long sequence, Digest digest, ReplicatedService service, Consumer<Runnable> onProtocolThread,
             ScheduledExecutorService scheduler, java.util.function.LongPredicate wanted,
             BiConsumer<Long, ClientTable> installed) {
    if (fetcher == null) {
      fetcher = new StateFetcher(self, n, service, new Shell(onProtocolThread, scheduler, wanted, installed), stats);
    }
    LOG.info("replica {}: fetching the state of checkpoint {}", self, sequence);
    fetching = sequence;
    fetcher.start(sequence, digest);
  }

  /** Carries the state fetcher's requests to peers as FETCH messages; its timer posts to the protocol thread. */
  private final class Shell implements FetchEffects {
    private final Consumer<Runnable> onProtocolThread;
    private final ScheduledExecutorService scheduler;
    private final java.util.function.LongPredicate wanted;
    private final BiConsumer<Long, ClientTable> installed;

    Shell(Consumer<Runnable> onProtocolThread, ScheduledExecutorService scheduler, java.util.function.LongPredicate wanted,
          BiConsumer<Long, ClientTable> installed) {
      this.onProtocolThread = onProtocolThread;
      this.scheduler = scheduler;
      this.wanted = wanted;
      this.installed = installed;
    }

    @Override
    public boolean wanted(long sequence) {
      return wanted.test(sequence);
    }

    @Override
    public void requestManifest(int peer, long sequence) {
      send(peer, new FetchState(sequence, Digest.ZERO, 0, 0, self, null));
    }

    @Override
    public void requestManifestPage(int peer, long sequence, int page) {
      send(peer, new FetchState(sequence, Digest.ZERO, page, 0, self, null));
    }

    @Override
    public void requestChunk(int peer, long sequence, int index) {
      send(peer, new FetchState(sequence, Digest.ZERO, index, 1, self, null));
    }

    private void send(int peer, FetchState fetch) {
      Channel c = replicaLink.apply(peer);
      if (c != null && c.isActive()) {
        write.accept(c, encoder.encode(fetch));
      }
    }

    @Override
    public void setRetryTimer(long ticks) {
      if (retry != null) {
        retry.cancel(false);
      }
      // ticks are milliseconds; a real link needs more than the simulator's default period
      retry = scheduler.schedule(() -> onProtocolThread.accept(fetcher::onRetryTimer), Math.max(ticks, 500),
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void installed(long sequence, ClientTable clients) {
      LOG.info("replica {}: installed the state of checkpoint {} ({})", self, sequence, stats);
      fetching = -1;
      installed.accept(sequence, clients);
    }
  }
}
