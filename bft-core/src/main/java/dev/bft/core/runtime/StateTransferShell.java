package dev.bft.core.runtime;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.ServedState;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.core.statetransfer.TransferStats;
import dev.bft.crypto.Digest;
import io.netty.channel.Channel;
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
 * snapshot of that checkpoint ({@link ServedState}), off the protocol thread, within a per-peer
 * budget of bytes per second and only while the peer's link can take them (each answer costs a
 * signature and its bytes; a Byzantine fetcher gets no more). Fetching: a STATE is taken only while
 * this replica is fetching that very checkpoint; everything else is dropped unread and counted.
 */
final class StateTransferShell {
  private static final Logger LOG = LoggerFactory.getLogger(StateTransferShell.class);
  /**
   * Bytes served to one peer per second on average, and at most at once: room for the fetcher's
   * {@link StateFetcher#IN_FLIGHT_PER_PEER} pieces in flight and some node pages.
   */
  static final int BYTES_PER_SECOND = 64 << 20;
  static final int BURST_BYTES = 16 << 20;
  /** What every answer costs besides its bytes: the envelope and its signature. */
  static final int FRAME_COST = 256;

  private final int self;
  private final int n;
  private final MessageEncoder encoder;
  private final IntFunction<Channel> replicaLink;
  private final BiConsumer<Channel, byte[]> write;
  private final Consumer<String> refusals;
  private final TokenBuckets serving;
  /** Checkpoint snapshots this replica serves to others, kept until a later one is stable. */
  private final NavigableMap<Long, ServedState> snapshots = new ConcurrentSkipListMap<>();
  private final TransferStats stats = new TransferStats();
  /** The checkpoint being fetched, or -1: read off the protocol thread to drop STATE nobody asked for. */
  private volatile long fetching = -1;
  // Protocol thread only.
  private StateFetcher fetcher;
  private Digest epochConfiguration;
  private ScheduledFuture<?> retry;

  StateTransferShell(int self, int n, MessageEncoder encoder, IntFunction<Channel> replicaLink,
                     BiConsumer<Channel, byte[]> write, Consumer<String> refusals, LongSupplier nanoClock) {
    this.self = self;
    this.n = n;
    this.encoder = encoder;
    this.replicaLink = replicaLink;
    this.write = write;
    this.refusals = refusals;
    this.serving = new TokenBuckets(n, BYTES_PER_SECOND, BURST_BYTES, nanoClock);
  }

  TransferStats stats() {
    return stats;
  }

  /** Protocol thread: a checkpoint was taken; its snapshot is served until a later one is stable. */
  void hold(long sequence, StateSnapshot snapshot, ClientTable clients) {
    ServedState replaced = snapshots.put(sequence, new ServedState(snapshot, clients));
    if (replaced != null) {
      replaced.close();
    }
  }

  /** Checkpoint {@code sequence} is stable: older snapshots are closed (each once its reads in progress end). */
  void stable(long sequence) {
    NavigableMap<Long, ServedState> older = snapshots.headMap(sequence, false);
    older.values().forEach(ServedState::close);
    older.clear();
  }

  /** The held snapshot of checkpoint {@code sequence}, or null: until it is stable, or since a later one is. */
  ServedState held(long sequence) {
    return snapshots.get(sequence);
  }

  /** Shutdown: every held snapshot is closed. */
  void close() {
    snapshots.values().forEach(ServedState::close);
    snapshots.clear();
  }

  /** Verification thread: answers a peer's FETCH from the snapshot of that checkpoint, if held. */
  void serve(int peer, FetchState fetch) {
    ServedState held = snapshots.get(fetch.sequence());
    Channel c = replicaLink.apply(peer);
    if (held == null || c == null || !c.isActive()) {
      return;
    }
    if (!c.isWritable()) {
      return; // the peer does not read what it asked for: signing more would only be dropped
    }
    int bound = FRAME_COST + ServedState.boundOf(fetch.ask());
    if (!serving.take(peer, bound)) {
      refusals.accept(ShellRefusal.FETCH_OVER_BUDGET.name());
      return;
    }
    StateChunk.Answer answer = held.answer(fetch.ask());
    if (answer == null) {
      serving.refund(peer, bound - FRAME_COST); // the ask itself still costs: asking nonsense is not free
      refusals.accept(ShellRefusal.FETCH_UNSERVABLE.name());
      return;
    }
    serving.refund(peer, bound - FRAME_COST - ServedState.sizeOf(answer));
    write.accept(c, encoder.encode(new StateChunk(fetch.sequence(), answer, self, null)));
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
    fetcher.onAnswer(peer, chunk.sequence(), chunk.answer(), view);
  }

  /**
   * Protocol thread: start fetching checkpoint {@code sequence}.
   * @param installed takes the client table once every chunk is installed
   * @param onProtocolThread runs the fetcher's retry timer there
   */
  /** In an epoch after the first: the digest of its configuration, which its start's digest is bound to. */
  void epochBoundTo(Digest configuration) {
    this.epochConfiguration = configuration;
  }

  void fetch(long sequence, Digest digest, ReplicatedService service, Consumer<Runnable> onProtocolThread,
             ScheduledExecutorService scheduler, java.util.function.LongPredicate wanted,
             BiConsumer<Long, ClientTable> installed) {
    if (fetcher == null) {
      fetcher = new StateFetcher(self, n, service, new Shell(onProtocolThread, scheduler, wanted, installed), stats);
      if (epochConfiguration != null) {
        fetcher.epochBoundTo(epochConfiguration);
      }
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
    public void ask(int peer, long sequence, FetchState.Ask ask) {
      send(peer, new FetchState(sequence, ask, self, null));
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
