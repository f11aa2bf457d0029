package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ChunkPieces;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The lagging replica's side of state transfer. It first obtains a manifest (every chunk digest and
 * the client table) and accepts it only if it hashes to the checkpoint digest that 2f + 1 replicas
 * proved. It then fetches only the chunks whose digests differ from its own, from several peers in
 * parallel, in pieces of bounded size ({@link ChunkPieces}; the client table too, as manifest
 * pages), and checks each piece as it arrives. Whole chunks are held aside and installed together
 * at the end, in one step on the protocol thread: the replica goes on executing committed batches
 * while it fetches, and a chunk installed early would be executed over again (or rolled back, if
 * execution overtook the checkpoint). At the end it compares again: a chunk that execution moved
 * away from the checkpoint since the manifest arrived is fetched too, and if the replica no longer
 * wants the checkpoint (it executed up to it) nothing is installed. A peer that serves a bad manifest or chunk is counted and not asked again;
 * its chunks go to others. Requests lost on the way are re-sent when the retry timer fires.
 */
public final class StateFetcher {
  public static final long RETRY_TICKS = 50;
  public static final int IN_FLIGHT_PER_PEER = 8;

  private final int self;
  private final int replicas;
  private final ReplicatedService state;
  private final FetchEffects effects;
  private final TransferStats stats;

  private long sequence = -1;
  private Digest digest;
  private Digest[] leaves;
  private ClientTable clients;
  /** The client table while it arrives in pieces, and the view its replies are re-sent in. */
  private ChunkPieces.Assembly table;
  private long tableView;
  /** Chunks whose piece 0 arrived and whose further pieces are on their way. */
  private final Map<Integer, ChunkPieces.Assembly> assemblies = new TreeMap<>();
  /** Whole, verified chunks waiting for the rest (see above). */
  private final Map<Integer, byte[]> fetched = new TreeMap<>();
  /** Chunk indices still to fetch, and (negated) the client table's manifest pages 1.. */
  private final TreeSet<Integer> needed = new TreeSet<>();
  private final Map<Integer, Integer> inFlight = new TreeMap<>();
  private final Map<Integer, Long> sentInPeriod = new TreeMap<>();
  private final boolean[] badPeer;
  private long periods;
  private int cursor;

  public StateFetcher(int self, int replicas, ReplicatedService state, FetchEffects effects, TransferStats stats) {
    this.self = self;
    this.replicas = replicas;
    this.state = state;
    this.effects = effects;
    this.stats = stats;
    this.badPeer = new boolean[replicas];
    this.cursor = self + 1;
  }

  public boolean active() {
    return sequence >= 0;
  }

  /** Starts fetching checkpoint {@code seq} with proven digest {@code checkpointDigest}; a newer target replaces an older one. */
  public void start(long seq, Digest checkpointDigest) {
    if (seq == sequence) {
      return;
    }
    sequence = seq;
    digest = checkpointDigest;
    leaves = null;
    clients = null;
    table = null;
    assemblies.clear();
    fetched.clear();
    needed.clear();
    inFlight.clear();
    sentInPeriod.clear();
    effects.requestManifest(nextPeer(), seq);
    effects.setRetryTimer(RETRY_TICKS);
  }

  public void stop() {
    sequence = -1;
    fetched.clear();
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

  /** A whole manifest (its client table in one piece): the chunk digests and the client table. */
  public void onManifest(int peer, long seq, Digest[] offeredLeaves, ClientTable offeredClients) {
    if (seq != sequence || leaves != null) {
      return;
    }
    if (offeredLeaves.length != state.chunkCount()
        || !StateDigests.checkpoint(MerkleTree.root(offeredLeaves), offeredClients).equals(digest)) {
      badManifest(peer);
      return;
    }
    clients = offeredClients.copy();
    begin(offeredLeaves);
  }

  /**
   * Page {@code page} of a manifest ({@link Manifests}): page 0 holds the chunk digests and the head of
   * the client table, checked at once against the proven digest; pages 1.. are the table's further
   * pieces, each checked against the head. {@code view} is the view the table's replies are re-sent in.
   */
  public void onManifestPage(int peer, long seq, int page, byte[] bytes, long view) {
    if (seq != sequence) {
      return;
    }
    if (page == 0) {
      Manifests.First first = leaves == null ? Manifests.parseFirst(bytes) : null;
      if (first == null) {
        if (leaves == null) {
          badManifest(peer);
        }
        return;
      }
      if (first.leaves().length != state.chunkCount()
          || !StateDigests.checkpoint(MerkleTree.root(first.leaves()), first.table().contentDigest()).equals(digest)) {
        badManifest(peer);
        return;
      }
      tableView = view;
      if (first.table().pieces() == 1) {
        clients = Manifests.table(first.table().firstSlice(), view, self);
      } else {
        table = new ChunkPieces.Assembly(first.table());
        for (int k = 1; k < first.table().pieces(); k++) {
          needed.add(-k);
        }
      }
      begin(first.leaves());
      return;
    }
    if (table == null || !needed.contains(-page)) {
      return;
    }
    inFlight.remove(-page);
    if (!table.add(page, bytes)) {
      stats.badManifests++;
      badPeer[peer] = true;
      dispatch();
      return;
    }
    stats.bytesFetched += bytes.length;
    needed.remove(-page);
    if (table.complete()) {
      clients = Manifests.table(table.content(), tableView, self);
      table = null;
    }
    if (!finishIfDone()) {
      dispatch();
    }
  }

  private void badManifest(int peer) {
    stats.badManifests++;
    badPeer[peer] = true;
    effects.requestManifest(nextPeer(), sequence);
  }

  /** A verified manifest: fetch every chunk whose digest differs from this replica's. */
  private void begin(Digest[] verifiedLeaves) {
    leaves = verifiedLeaves.clone();
    Digest[] mine = state.chunkDigests();
    for (int i = 0; i < leaves.length; i++) {
      if (!leaves[i].equals(mine[i])) {
        needed.add(i);
      }
    }
    if (!finishIfDone()) {
      dispatch();
    }
  }

  private void dispatch() {
    Map<Integer, Integer> perPeer = new TreeMap<>();
    inFlight.values().forEach(p -> perPeer.merge(p, 1, Integer::sum));
    for (int wanted : needed) {
      if (inFlight.containsKey(wanted)) {
        continue;
      }
      int peer = nextPeer();
      if (perPeer.getOrDefault(peer, 0) >= IN_FLIGHT_PER_PEER) {
        continue;
      }
      perPeer.merge(peer, 1, Integer::sum);
      inFlight.put(wanted, peer);
      sentInPeriod.put(wanted, periods);
      if (wanted < 0) {
        effects.requestManifestPage(peer, sequence, -wanted);
      } else {
        effects.requestChunk(peer, sequence, wanted);
      }
    }
  }

  /** Piece {@code index / chunkCount} of chunk {@code index % chunkCount} ({@link dev.bft.core.service.SnapshotPieces}). */
  public void onChunk(int peer, long seq, int index, byte[] piece) {
    if (seq != sequence || leaves == null || index < 0 || !needed.contains(index)) {
      return;
    }
    inFlight.remove(index);
    int chunk = index % leaves.length;
    int k = index / leaves.length;
    ChunkPieces.Assembly assembly = k == 0 ? null : assemblies.get(chunk);
    ChunkPieces.Head head = k == 0 ? ChunkPieces.parseHead(piece) : null;
    boolean good = k == 0
        ? head != null && head.contentDigest().equals(leaves[chunk])
            && (long) head.pieces() * leaves.length <= Integer.MAX_VALUE
        : assembly != null && assembly.add(k, piece);
    if (!good) {
      stats.badChunks++;
      badPeer[peer] = true;
      dispatch();
      return;
    }
    stats.bytesFetched += piece.length;
    needed.remove(index);
    if (k == 0 && head.pieces() == 1) {
      install(chunk, head.firstSlice());
    } else if (k == 0) {
      assemblies.put(chunk, new ChunkPieces.Assembly(head));
      for (int p = 1; p < head.pieces(); p++) {
        needed.add(p * leaves.length + chunk);
      }
    } else if (assembly.complete()) {
      assemblies.remove(chunk);
      install(chunk, assembly.content());
    }
    if (!finishIfDone()) {
      dispatch();
    }
  }

  private void install(int chunk, byte[] content) {
    fetched.put(chunk, content);
    stats.chunksFetched++;
  }

  private boolean finishIfDone() {
    if (leaves == null || !needed.isEmpty() || clients == null) {
      return false;
    }
    long seq = sequence;
    if (!effects.wanted(seq)) {
      sequence = -1;
      fetched.clear();
      return true;
    }
    Digest[] mine = state.chunkDigests();
    for (int i = 0; i < leaves.length; i++) {
      if (!fetched.containsKey(i) && !leaves[i].equals(mine[i])) {
        needed.add(i); // execution changed it since the manifest came
      }
    }
    if (!needed.isEmpty()) {
      return false;
    }
    fetched.forEach(((dev.bft.core.service.ByteChunkService) state)::installChunk);
    fetched.clear();
    sequence = -1;
    stats.transfers++;
    effects.installed(seq, clients);
    return true;
  }

  /** Re-sends what went unanswered for a whole period. */
  public void onRetryTimer() {
    if (sequence < 0) {
      return;
    }
    periods++;
    if (leaves == null) {
      effects.requestManifest(nextPeer(), sequence);
    } else {
      // Unanswered for at least a whole period: assume lost and ask again (perhaps someone else).
      sentInPeriod.entrySet().removeIf(e -> !inFlight.containsKey(e.getKey()) || e.getValue() < periods - 1);
      inFlight.keySet().removeIf(chunk -> !sentInPeriod.containsKey(chunk));
      dispatch();
    }
    effects.setRetryTimer(RETRY_TICKS);
  }
}
