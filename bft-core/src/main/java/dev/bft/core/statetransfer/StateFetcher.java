package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ChunkedState;
import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The lagging replica's side of state transfer. It first obtains a manifest (every chunk digest and
 * the client table) and accepts it only if it hashes to the checkpoint digest that 2f + 1 replicas
 * proved. It then fetches only the chunks whose digests differ from its own, from several peers in
 * parallel, checks each against the manifest as it arrives and installs it at once, so memory holds
 * one chunk at a time. A peer that serves a bad manifest or chunk is counted and not asked again;
 * its chunks go to others. Requests lost on the way are re-sent when the retry timer fires.
 */
public final class StateFetcher {
  public static final long RETRY_TICKS = 50;
  public static final int IN_FLIGHT_PER_PEER = 8;

  private final int self;
  private final int replicas;
  private final ChunkedState state;
  private final FetchEffects effects;
  private final TransferStats stats;

  private long sequence = -1;
  private Digest digest;
  private Digest[] leaves;
  private ClientTable clients;
  private final TreeSet<Integer> needed = new TreeSet<>();
  private final Map<Integer, Integer> inFlight = new HashMap<>();
  private final Map<Integer, Long> sentInPeriod = new HashMap<>();
  private final boolean[] badPeer;
  private long periods;
  private int cursor;

  public StateFetcher(int self, int replicas, ChunkedState state, FetchEffects effects, TransferStats stats) {
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
    needed.clear();
    inFlight.clear();
    sentInPeriod.clear();
    effects.requestManifest(nextPeer(), seq);
    effects.setRetryTimer(RETRY_TICKS);
  }

  public void stop() {
    sequence = -1;
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

  public void onManifest(int peer, long seq, Digest[] offeredLeaves, ClientTable offeredClients) {
    if (seq != sequence || leaves != null) {
      return;
    }
    if (offeredLeaves.length != state.chunkCount()
        || !StateDigests.checkpoint(MerkleTree.root(offeredLeaves), offeredClients).equals(digest)) {
      stats.badManifests++;
      badPeer[peer] = true;
      effects.requestManifest(nextPeer(), seq);
      return;
    }
    leaves = offeredLeaves.clone();
    clients = offeredClients.copy();
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
    Map<Integer, Integer> perPeer = new HashMap<>();
    inFlight.values().forEach(p -> perPeer.merge(p, 1, Integer::sum));
    for (int chunk : needed) {
      if (inFlight.containsKey(chunk)) {
        continue;
      }
      int peer = nextPeer();
      if (perPeer.getOrDefault(peer, 0) >= IN_FLIGHT_PER_PEER) {
        continue;
      }
      perPeer.merge(peer, 1, Integer::sum);
      inFlight.put(chunk, peer);
      sentInPeriod.put(chunk, periods);
      effects.requestChunk(peer, sequence, chunk);
    }
  }

  public void onChunk(int peer, long seq, int index, byte[] chunk) {
    if (seq != sequence || leaves == null || !needed.contains(index)) {
      return;
    }
    inFlight.remove(index);
    if (!state.digestOfChunk(chunk).equals(leaves[index])) {
      stats.badChunks++;
      badPeer[peer] = true;
      dispatch();
      return;
    }
    state.installChunk(index, chunk);
    stats.chunksFetched++;
    stats.bytesFetched += chunk.length;
    needed.remove(index);
    if (!finishIfDone()) {
      dispatch();
    }
  }

  private boolean finishIfDone() {
    if (leaves == null || !needed.isEmpty()) {
      return false;
    }
    long seq = sequence;
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
