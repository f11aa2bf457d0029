package dev.bft.core.sim;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ChunkedState;
import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The fetching side of chunked state transfer, as the runtime will run it, over the simulated
 * network. First a manifest (every chunk digest and the client table) is fetched and checked against
 * the proven checkpoint digest; then only the chunks that differ from this replica's own are fetched,
 * from several peers in parallel, each checked against its digest in the manifest as it arrives and
 * installed at once. A peer that serves a bad manifest or chunk is counted and not asked again; its
 * chunks go to others. Lost requests are re-sent by a retry timer.
 */
final class SimStateTransfer {
  static final long RETRY_TICKS = 50;
  static final int IN_FLIGHT_PER_PEER = 8;

  /** What transfers did, for tests and reports. */
  static final class Stats {
    long transfers;
    long chunksFetched;
    long bytesFetched;
    long badChunks;
    long badManifests;
  }

  private final SimReplica self;
  private final Simulation sim;
  private final ChunkedState state;
  private final Stats stats;
  private long sequence = -1;
  private Digest digest;
  private Digest[] leaves;
  private ClientTable clients;
  private final TreeSet<Integer> needed = new TreeSet<>();
  private final Map<Integer, Integer> inFlight = new HashMap<>();
  private final Map<Integer, Long> sentAt = new HashMap<>();
  private final boolean[] badPeer;
  private int cursor;

  SimStateTransfer(SimReplica self, Simulation sim, ChunkedState state, Stats stats) {
    this.self = self;
    this.sim = sim;
    this.state = state;
    this.stats = stats;
    this.badPeer = new boolean[sim.replicaCount()];
  }

  boolean active() {
    return sequence >= 0;
  }

  void start(long seq, Digest checkpointDigest) {
    if (seq == sequence) {
      return;
    }
    sequence = seq;
    digest = checkpointDigest;
    leaves = null;
    needed.clear();
    inFlight.clear();
    sentAt.clear();
    askManifest(seq);
    sim.queue().at(sim.now() + RETRY_TICKS, () -> retry(seq));
  }

  void stop() {
    sequence = -1;
  }

  private int nextPeer() {
    int n = sim.replicaCount();
    for (int k = 0; k < n; k++) {
      int p = (cursor++ % n + n) % n;
      if (p != self.id && !badPeer[p]) {
        return p;
      }
    }
    java.util.Arrays.fill(badPeer, false); // everyone failed us: the network, not the peers, is to blame
    return (self.id + 1) % n;
  }

  private void askManifest(long seq) {
    int peer = nextPeer();
    sim.network().carry(self.id, peer, seq, s -> sim.replica(peer).serveManifest(self.id, s));
  }

  void onManifest(int peer, long seq, Digest[] offeredLeaves, ClientTable offeredClients) {
    if (seq != sequence || leaves != null || !self.up) {
      return;
    }
    Digest root = MerkleTree.root(offeredLeaves);
    if (offeredLeaves.length != state.chunkCount() || !StateDigests.checkpoint(root, offeredClients).equals(digest)) {
      stats.badManifests++;
      badPeer[peer] = true;
      sim.trace("bad-manifest", self.id, seq + " from " + peer);
      askManifest(seq);
      return;
    }
    leaves = offeredLeaves;
    clients = offeredClients;
    Digest[] mine = state.chunkDigests();
    for (int i = 0; i < leaves.length; i++) {
      if (!leaves[i].equals(mine[i])) {
        needed.add(i);
      }
    }
    dispatch();
    finishIfDone();
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
      sentAt.put(chunk, sim.now());
      long seq = sequence;
      sim.network().carry(self.id, peer, chunk, c -> sim.replica(peer).serveChunk(self.id, seq, c));
    }
  }

  void onChunk(int peer, long seq, int index, byte[] chunk) {
    if (seq != sequence || leaves == null || !needed.contains(index) || !self.up) {
      return;
    }
    inFlight.remove(index);
    if (!state.digestOfChunk(chunk).equals(leaves[index])) {
      stats.badChunks++;
      badPeer[peer] = true;
      sim.trace("bad-chunk", self.id, index + " from " + peer);
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
    sim.trace("installed", self.id, seq);
    self.stateInstalled(seq, clients);
    return true;
  }

  private void retry(long seq) {
    if (seq != sequence || !self.up) {
      return;
    }
    if (leaves == null) {
      askManifest(seq);
    } else {
      sentAt.entrySet().removeIf(e -> {
        boolean late = sim.now() - e.getValue() >= RETRY_TICKS && inFlight.containsKey(e.getKey());
        if (late) {
          inFlight.remove(e.getKey());
        }
        return late;
      });
      dispatch();
    }
    sim.queue().at(sim.now() + RETRY_TICKS, () -> retry(seq));
  }
}
