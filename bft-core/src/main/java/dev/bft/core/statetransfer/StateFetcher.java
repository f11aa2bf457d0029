package dev.bft.core.statetransfer;

import dev.bft.core.message.FetchState;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ChunkPieces;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The lagging replica's side of state transfer. It first obtains page 0 of the manifest (the top of
 * the state's Merkle tree and the head of the client table) and accepts it only if it hashes to the
 * checkpoint digest that 2f + 1 replicas proved. It then walks the Merkle tree down from that root, only where it
 * differs from its own ({@link TreeWalk}), to the chunks that differ, and streams each of those
 * into a receiver of the service piece by piece ({@link ChunkStreams}), from several peers in
 * parallel; a large client table arrives as further manifest pages meanwhile.
 *
 * <p>The receivers are installed together at the end, in one step on the protocol thread: the
 * replica goes on executing committed batches while it fetches, and a chunk installed early would
 * be executed over again (or rolled back, if execution overtook the checkpoint). At the end it
 * compares again: a chunk that execution moved away from the checkpoint since the walk is fetched
 * too, and if the replica no longer wants the checkpoint (it executed up to it) nothing is
 * installed. A peer caught lying (a page that does not hash up, a piece the receiver refuses, a
 * chunk whose digest is not the proven one) is counted and not asked again; what it was asked
 * goes to others. Requests lost on the way are asked again when the retry timer fires.
 */
public final class StateFetcher {
  public static final long RETRY_TICKS = 50;
  public static final int IN_FLIGHT_PER_PEER = 8;
  /** Levels of the tree per node page: 2^8 = 256 digests, 8 KiB, what the decoder takes. */
  public static final int PAGE_DEPTH = 8;

  /** Something to ask a peer for; ordered so that manifest pages go first, then nodes (which reveal chunks), then chunks. */
  private record Want(int kind, int level, int index) implements Comparable<Want> {
    static final int PAGE = 0;
    static final int NODE = 1;
    static final int CHUNK = 2;

    @Override
    public int compareTo(Want o) {
      int c = Integer.compare(kind, o.kind);
      c = c != 0 ? c : Integer.compare(level, o.level);
      return c != 0 ? c : Integer.compare(index, o.index);
    }
  }

  private record Sent(int peer, long period) {}

  private final int self;
  private final int replicas;
  private final ReplicatedService state;
  private final FetchEffects effects;
  private final TransferStats stats;
  private final ChunkStreams chunks;

  private long sequence = -1;
  private Digest digest;
  private Digest configuration;
  private TreeWalk walk;
  private ClientTable clients;
  /** The client table while it arrives in pieces, and the view its replies are re-sent in. */
  private ChunkPieces.Assembly table;
  private long tableView;
  private final TreeSet<Want> needed = new TreeSet<>();
  private final Map<Want, Sent> inFlight = new TreeMap<>();
  private final boolean[] badPeer;
  private long periods;
  private int cursor;

  public StateFetcher(int self, int replicas, ReplicatedService state, FetchEffects effects, TransferStats stats) {
    this.self = self;
    this.replicas = replicas;
    this.state = state;
    this.effects = effects;
    this.stats = stats;
    this.chunks = new ChunkStreams(state, stats);
    this.badPeer = new boolean[replicas];
    this.cursor = self + 1;
  }

  public boolean active() {
    return sequence >= 0;
  }

  /**
   * The configuration this replica's epoch runs, once past epoch 0: the epoch's start is proven by
   * the previous epoch's checkpoint, whose digest is the state's bound to this configuration
   * ({@link StateDigests#epoch}), so a state is also what was asked for when it is that.
   */
  public void epochBoundTo(Digest configuration) {
    this.configuration = configuration;
  }

  private boolean proves(Digest checkpoint) {
    return checkpoint.equals(digest) || configuration != null && StateDigests.epoch(checkpoint, configuration).equals(digest);
  }

  /** Starts fetching checkpoint {@code seq} with proven digest {@code checkpointDigest}; a newer target replaces an older one. */
  public void start(long seq, Digest checkpointDigest) {
    if (seq == sequence) {
      return;
    }
    reset();
    sequence = seq;
    digest = checkpointDigest;
    effects.ask(nextPeer(), seq, new FetchState.ManifestPage(0));
    effects.setRetryTimer(RETRY_TICKS);
  }

  public void stop() {
    reset();
  }

  private void reset() {
    chunks.discardAll();
    sequence = -1;
    walk = null;
    clients = null;
    table = null;
    needed.clear();
    inFlight.clear();
  }

  private int nextPeer() {
    for (int k = 0; k < replicas; k++) {
      int p = Math.floorMod(cursor++, replicas);
      if (p != self && !badPeer[p]) {
        return p;
      }
    }
    Arrays.fill(badPeer, false); // every peer failed us: more likely the network than 3f+1 liars
    return Math.floorMod(self + 1, replicas);
  }

  /**
   * Page {@code page} of the manifest ({@link Manifests}): page 0 holds the state root and the head of
   * the client table, checked at once against the proven digest; pages 1.. are the table's further
   * pieces, each checked against the head. {@code view} is the view the table's replies are re-sent in.
   */
  public void onManifestPage(int peer, long seq, int page, byte[] bytes, long view) {
    if (seq != sequence) {
      return;
    }
    if (page == 0) {
      if (walk == null) {
        onFirstPage(peer, bytes, view);
      }
      return;
    }
    Want want = new Want(Want.PAGE, 0, page);
    if (table == null || !needed.contains(want)) {
      return;
    }
    if (!table.add(page, bytes)) {
      stats.badManifests++;
      lied(peer, want);
      return;
    }
    stats.bytesFetched += bytes.length;
    answered(want);
    if (table.complete()) {
      clients = Manifests.table(table.content(), tableView, self);
      table = null;
    }
    progress();
  }

  private void onFirstPage(int peer, byte[] bytes, long view) {
    Manifests.First first = Manifests.parseFirst(bytes);
    TreeWalk fresh = new TreeWalk(state.chunkDigests(), PAGE_DEPTH);
    if (first == null || first.top().length != 1 << fresh.pageDepth(0)
        || !proves(StateDigests.checkpoint(first.root(), first.table().contentDigest()))) {
      stats.badManifests++;
      badPeer[peer] = true;
      effects.ask(nextPeer(), sequence, new FetchState.ManifestPage(0));
      return;
    }
    stats.bytesFetched += bytes.length;
    tableView = view;
    if (first.table().pieces() == 1) {
      clients = Manifests.table(first.table().firstSlice(), view, self);
    } else {
      table = new ChunkPieces.Assembly(first.table());
      for (int k = 1; k < first.table().pieces(); k++) {
        needed.add(new Want(Want.PAGE, 0, k));
      }
    }
    walk = fresh;
    found(walk.begin(first.root(), first.top()));
    progress();
  }

  /** The {@code digests} {@code depth} levels below node {@code index} of level {@code level}, as a peer says. */
  public void onNodes(int peer, long seq, int level, int index, int depth, Digest[] digests) {
    Want want = new Want(Want.NODE, level, index);
    if (seq != sequence || walk == null || !needed.contains(want)) {
      return; // a duplicate, or an answer nobody needs any more
    }
    List<TreeWalk.Found> below = depth == walk.pageDepth(level) ? walk.offer(level, index, digests) : null;
    if (below == null) {
      stats.badNodePages++;
      lied(peer, want);
      return;
    }
    stats.nodePages++;
    stats.bytesFetched += (long) digests.length * Digest.SIZE;
    answered(want);
    found(below);
    progress();
  }

  /**
   * A piece of chunk {@code chunk}'s encoding from {@code position}, and where the next starts
   * ({@code next} null: the chunk ends). Taken only from the peer the chunk was last asked of.
   */
  public void onPiece(int peer, long seq, int chunk, byte[] position, byte[] bytes, byte[] next) {
    Want want = new Want(Want.CHUNK, 0, chunk);
    Sent sent = inFlight.get(want);
    if (seq != sequence || walk == null || sent == null || sent.peer() != peer) {
      return; // late (asked again of another peer), duplicated, or never asked
    }
    switch (chunks.onPiece(peer, chunk, position, bytes, next)) {
      case STALE -> { }
      case BAD -> {
        stats.badChunks++;
        lied(peer, want);
      }
      case MORE -> {
        stats.bytesFetched += bytes.length;
        inFlight.put(want, new Sent(peer, periods));
        effects.ask(peer, sequence, new FetchState.Piece(chunk, next));
      }
      case FINISHED -> {
        stats.bytesFetched += bytes.length;
        stats.chunksFetched++;
        answered(want);
        progress();
      }
    }
  }

  /** {@code peer} lied about {@code want}: never ask it again (while others remain), and ask someone else. */
  private void lied(int peer, Want want) {
    badPeer[peer] = true;
    Sent sent = inFlight.get(want);
    if (sent != null && sent.peer() == peer) {
      inFlight.remove(want);
      dispatch();
    }
  }

  private void answered(Want want) {
    needed.remove(want);
    inFlight.remove(want);
  }

  private void found(List<TreeWalk.Found> found) {
    for (TreeWalk.Found f : found) {
      if (f.level() == walk.depth()) {
        chunks.want(f.index(), f.proven());
        needed.add(new Want(Want.CHUNK, 0, f.index()));
      } else {
        needed.add(new Want(Want.NODE, f.level(), f.index()));
      }
    }
  }

  private void progress() {
    if (!finishIfDone()) {
      dispatch();
    }
  }

  private void dispatch() {
    int[] perPeer = new int[replicas];
    inFlight.values().forEach(s -> perPeer[s.peer()]++);
    for (Want want : needed) {
      if (inFlight.containsKey(want)) {
        continue;
      }
      int peer = peerWithRoom(perPeer);
      if (peer < 0) {
        return; // every peer has its fill; answers will make room
      }
      perPeer[peer]++;
      inFlight.put(want, new Sent(peer, periods));
      switch (want.kind()) {
        case Want.PAGE -> effects.ask(peer, sequence, new FetchState.ManifestPage(want.index()));
        case Want.NODE -> effects.ask(peer, sequence,
            new FetchState.NodePage(want.level(), want.index(), walk.pageDepth(want.level())));
        default -> effects.ask(peer, sequence, new FetchState.Piece(want.index(), chunks.position(want.index())));
      }
    }
  }

  private int peerWithRoom(int[] perPeer) {
    for (int k = 0; k < replicas; k++) {
      int p = nextPeer();
      if (perPeer[p] < IN_FLIGHT_PER_PEER) {
        return p;
      }
    }
    return -1;
  }

  private boolean finishIfDone() {
    if (walk == null || !needed.isEmpty() || clients == null) {
      return false;
    }
    long seq = sequence;
    if (!effects.wanted(seq)) {
      reset();
      return true;
    }
    Digest[] mine = state.chunkDigests();
    for (int c = 0; c < mine.length; c++) {
      if (!chunks.finished(c) && !mine[c].equals(walk.myLeaf(c))) {
        // Execution moved it since the walk, which found it equal to the checkpoint's then.
        chunks.want(c, walk.myLeaf(c));
        needed.add(new Want(Want.CHUNK, 0, c));
      }
    }
    if (!needed.isEmpty()) {
      return false;
    }
    ClientTable table = clients;
    state.install(chunks.takeFinished(), seq, table.encodedEntries());
    reset();
    stats.transfers++;
    effects.installed(seq, table);
    return true;
  }

  /** Asks again what went unanswered for a whole period, perhaps of another peer. */
  /** A peer's answer of any kind, handed to the step it answers; {@code view} is the replica's, for the client table. */
  public void onAnswer(int peer, long seq, dev.bft.core.message.StateChunk.Answer answer, long view) {
    if (answer instanceof dev.bft.core.message.StateChunk.ManifestPage m) {
      onManifestPage(peer, seq, m.page(), m.bytes(), view);
    } else if (answer instanceof dev.bft.core.message.StateChunk.NodePage n) {
      onNodes(peer, seq, n.level(), n.index(), n.depth(), n.digests());
    } else if (answer instanceof dev.bft.core.message.StateChunk.Piece p) {
      onPiece(peer, seq, p.chunk(), p.position(), p.bytes(), p.next());
    }
  }

  public void onRetryTimer() {
    if (sequence < 0) {
      return;
    }
    periods++;
    if (walk == null) {
      effects.ask(nextPeer(), sequence, new FetchState.ManifestPage(0));
    } else {
      inFlight.entrySet().removeIf(e -> {
        if (e.getValue().period() >= periods - 1) {
          return false;
        }
        int liar = e.getKey().kind() == Want.CHUNK ? chunks.unanswered(e.getKey().index()) : -1;
        if (liar >= 0) {
          stats.badChunks++;
          badPeer[liar] = true;
        }
        return true;
      });
      dispatch();
    }
    effects.setRetryTimer(RETRY_TICKS);
  }
}
