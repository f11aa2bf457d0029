package dev.bft.core.sim;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.ServedState;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * One simulated replica's side of state transfer: the snapshots of its checkpoints, served to
 * peers over the simulated network by the production {@link ServedState} (and lied about, for a
 * Byzantine server), and its own fetches, by the production {@link StateFetcher}.
 */
final class SimStateTransfer {
  private final SimReplica node;
  private final Simulation sim;
  private final java.util.NavigableMap<Long, ServedState> snapshots = new java.util.TreeMap<>();
  private StateFetcher transfer;
  private long transferTimerGeneration;
  /** A Byzantine state server: the lies it tells in what it serves. */
  final Set<StateLie> lies = EnumSet.noneOf(StateLie.class);
  /** With epochs: each held checkpoint's ordinary digest (the epoch checkpoint's is bound to the next configuration). */
  final java.util.NavigableMap<Long, Digest> ordinary = new java.util.TreeMap<>();
  /** A checkpoint kept past later stable ones: an epoch's start, served to joining nodes until all have joined. */
  long pinned = -1;

  SimStateTransfer(SimReplica node, Simulation sim) {
    this.node = node;
    this.sim = sim;
  }

  /** Keeps a checkpoint's snapshot to serve it (the shell's {@link dev.bft.core.runtime.Checkpoints#hold}). */
  void hold(long sequence, StateSnapshot snapshot, ClientTable clients) {
    ServedState replaced = snapshots.put(sequence, new ServedState(snapshot, clients));
    if (replaced != null) {
      replaced.close();
    }
  }

  /** Checkpoint {@code sequence} became stable: older snapshots are closed. */
  void stable(long sequence) {
    java.util.NavigableMap<Long, ServedState> older = snapshots.headMap(sequence, false);
    ServedState kept = older.remove(pinned);
    older.values().forEach(ServedState::close);
    older.clear();
    if (kept != null) {
      snapshots.put(pinned, kept);
    }
    ordinary.headMap(sequence, false).keySet().removeIf(s -> s != pinned);
  }

  /** A restart lost the snapshots held in memory. */
  void forgetSnapshots() {
    snapshots.values().forEach(ServedState::close);
    snapshots.clear();
  }

  /** A restart ends any fetch in progress: the fetcher held the old service; a new fetch builds a new one. */
  void restarted() {
    stopFetching();
  }

  /** Ends any fetch in progress; the next one is built for the node's epoch then. */
  void stopFetching() {
    if (transfer != null) {
      transfer.stop();
      transfer = null;
      transferTimerGeneration++;
    }
  }

  /** Fetches a checkpoint's state from the other replicas over the simulated network. */
  void fetchFromPeers(long sequence, Digest digest) {
    if (transfer == null) {
      transfer = new StateFetcher(node.replica.config().replicaId(), node.epoch.n(), node.rawService, new TransferShell(),
          sim.transferStats());
    }
    transfer.start(sequence, digest);
  }

  /** Answers a peer's FETCH, as the runtime's shell does, unless the snapshot cannot (then nothing is sent). */
  private void serve(int requester, int asServer, long sequence, FetchState.Ask ask) {
    StateChunk.Answer answer = answerFor(sequence, ask);
    if (answer != null) {
      sim.network().carry(node.id, requester, answer, a -> sim.replica(requester).states.receive(asServer, sequence, a));
    }
  }

  /** What this node answers to {@code ask} for checkpoint {@code sequence} (lies included), or null for nothing. */
  StateChunk.Answer answerFor(long sequence, FetchState.Ask ask) {
    ServedState held = snapshots.get(sequence);
    if (!node.up || held == null) {
      return null;
    }
    StateChunk.Answer answer = lie(ask, held.answer(ask));
    return answer != null && fitsOneFrame(answer) ? answer : null;
  }

  /** Whether a STATE with this answer would pass the real decoder's limit (else it is dropped, as there). */
  private static boolean fitsOneFrame(StateChunk.Answer answer) {
    return ServedState.sizeOf(answer) <= WireLimits.defaults().maxChunkBytes();
  }

  private StateChunk.Answer lie(FetchState.Ask ask, StateChunk.Answer honest) {
    if (honest instanceof StateChunk.NodePage n && lies.contains(StateLie.WRONG_SUBTREE)) {
      Digest[] wrong = n.digests().clone();
      wrong[wrong.length - 1] = Digest.sha256(wrong[wrong.length - 1].bytesUnsafe());
      return new StateChunk.NodePage(n.level(), n.index(), n.depth(), wrong);
    }
    if (ask instanceof FetchState.Piece p && lies.contains(StateLie.HUGE_CHUNK)
        && (honest == null || p.position().length == 0)) {
      return hugeChunk(p);
    }
    if (ask instanceof FetchState.Piece p && honest == null && lies.contains(StateLie.ENDLESS_CHUNK)) {
      // a position it made up (below): more bytes, and more after them
      return new StateChunk.Piece(p.chunk(), p.position(), junk(1024), madeUp(p.position()));
    }
    if (!(honest instanceof StateChunk.Piece p)) {
      return honest;
    }
    byte[] bytes = p.bytes();
    byte[] next = p.next();
    if (lies.contains(StateLie.WRONG_PIECE) && bytes.length > 0) {
      bytes = bytes.clone();
      bytes[bytes.length - 1] ^= 1;
    }
    if (lies.contains(StateLie.LYING_NEXT)) {
      next = next == null ? madeUp(p.position()) : flipped(next);
    } else if (lies.contains(StateLie.ENDLESS_CHUNK) && next == null) {
      next = madeUp(p.position());
    }
    return new StateChunk.Piece(p.chunk(), p.position(), bytes, next);
  }

  private static byte[] junk(int size) {
    byte[] junk = new byte[size];
    Arrays.fill(junk, (byte) 0x55);
    return junk;
  }

  /** At the chunk's start a head declaring 2 GiB, anywhere else (positions it made up) more junk: a full piece each. */
  private static StateChunk.Piece hugeChunk(FetchState.Piece p) {
    byte[] bytes = junk(ServedState.PIECE_BYTES);
    if (p.position().length == 0) {
      ByteBuffer.wrap(bytes).putLong(ByteChunkService.MAX_CHUNK_BYTES);
    }
    return new StateChunk.Piece(p.chunk(), p.position(), bytes, madeUp(p.position()));
  }

  /** A position no snapshot of a heap service gives (offsets are below 2^31). */
  private static byte[] madeUp(byte[] after) {
    long previous = after.length == 8 ? ByteBuffer.wrap(after).getLong() : 0;
    return ByteBuffer.allocate(8).putLong(Math.max(previous, Long.MAX_VALUE / 2) + 1).array();
  }

  private static byte[] flipped(byte[] position) {
    byte[] lie = position.clone();
    lie[lie.length - 1] ^= 1;
    return lie;
  }

  private void receive(int peer, long sequence, StateChunk.Answer answer) {
    if (!node.up || transfer == null) {
      return;
    }
    transfer.onAnswer(peer, sequence, answer, node.replica.view());
  }

  /** Carries the fetcher's requests over the simulated network to the peers' snapshot stores. */
  private final class TransferShell implements FetchEffects {
    @Override
    public void ask(int peer, long sequence, FetchState.Ask ask) {
      if (ask instanceof FetchState.ManifestPage m) {
        sim.trace("fetch-manifest", node.id, sequence + " page " + m.page() + " from " + peer);
      }
      int server = node.epoch.node(peer);
      sim.network().carry(node.id, server, ask, a -> sim.replica(server).states.serve(node.id, peer, sequence, a));
    }

    @Override
    public void setRetryTimer(long ticks) {
      long generation = ++transferTimerGeneration;
      sim.queue().at(sim.now() + ticks, () -> {
        if (node.up && generation == transferTimerGeneration && transfer != null) {
          transfer.onRetryTimer();
        }
      });
    }

    @Override
    public boolean wanted(long sequence) {
      return node.replica.fetchingState() == sequence && node.replica.lastExecuted() < sequence;
    }

    @Override
    public void installed(long sequence, ClientTable clients) {
      node.installed(sequence, clients);
    }
  }
}
