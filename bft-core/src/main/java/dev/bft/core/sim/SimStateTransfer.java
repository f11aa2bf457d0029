package dev.bft.core.sim;

import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.SnapshotPieces;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.Manifests;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.crypto.Digest;

/**
 * One simulated replica's side of state transfer: the snapshots of its checkpoints, served to
 * peers over the simulated network (corrupted, for a Byzantine server), and its own fetches, by the
 * production {@link StateFetcher}.
 */
final class SimStateTransfer {
  private final SimReplica node;
  private final Simulation sim;
  private final java.util.NavigableMap<Long, HeldCheckpoint> snapshots = new java.util.TreeMap<>();
  private StateFetcher transfer;
  private long transferTimerGeneration;
  /** A Byzantine state server: every manifest and chunk it serves is corrupted. */
  boolean servesCorruptState;

  SimStateTransfer(SimReplica node, Simulation sim) {
    this.node = node;
    this.sim = sim;
  }

  /** A copy of the state at a checkpoint, as storage would keep it to serve state transfer. */
  record HeldCheckpoint(SnapshotPieces snapshot, ClientTable clients) {}

  /** Keeps a checkpoint's snapshot to serve it (the shell's {@link dev.bft.core.runtime.Checkpoints#hold}). */
  void hold(long sequence, StateSnapshot snapshot, ClientTable clients) {
    snapshots.put(sequence, new HeldCheckpoint(new SnapshotPieces(snapshot), clients));
  }

  /** Checkpoint {@code sequence} became stable: older snapshots go. */
  void stable(long sequence) {
    snapshots.headMap(sequence, false).clear();
  }

  /** A restart lost the snapshots held in memory. */
  void forgetSnapshots() {
    snapshots.clear();
  }

  /** A restart ends any fetch in progress: the fetcher held the old service; a new fetch builds a new one. */
  void restarted() {
    if (transfer != null) {
      transfer.stop();
      transfer = null;
      transferTimerGeneration++;
    }
  }

  /** Fetches a checkpoint's state from the other replicas over the simulated network. */
  void fetchFromPeers(long sequence, Digest digest) {
    if (transfer == null) {
      transfer = new StateFetcher(node.id, sim.replicaCount(), node.rawService, new TransferShell(), sim.transferStats());
    }
    transfer.start(sequence, digest);
  }

  /** Whether a STATE frame with this chunk would pass the real decoder's limit (else it is dropped, as there). */
  private static boolean fitsOneFrame(byte[] chunk) {
    return chunk != null && chunk.length <= WireLimits.defaults().maxChunkBytes();
  }

  void serveManifest(int requester, long sequence, int page) {
    HeldCheckpoint held = snapshots.get(sequence);
    if (node.up && held != null) {
      Digest[] leaves = held.snapshot().leaves();
      if (servesCorruptState) {
        leaves[leaves.length - 1] = Digest.sha256(leaves[leaves.length - 1].bytesUnsafe());
      }
      byte[] bytes = Manifests.page(leaves, held.clients(), page);
      if (fitsOneFrame(bytes)) {
        sim.network().carry(node.id, requester, bytes,
            b -> sim.replica(requester).states.receiveManifest(node.id, sequence, page, b));
      }
    }
  }

  void serveChunk(int requester, long sequence, int index) {
    HeldCheckpoint held = snapshots.get(sequence);
    if (node.up && held != null && index < held.snapshot().indexBound()) {
      byte[] chunk = held.snapshot().piece(index);
      if (servesCorruptState && chunk.length > 0) {
        chunk[chunk.length - 1] ^= 1;
      }
      if (fitsOneFrame(chunk)) {
        sim.network().carry(node.id, requester, chunk,
            c -> sim.replica(requester).states.receiveChunk(node.id, sequence, index, c));
      }
    }
  }

  private void receiveManifest(int peer, long sequence, int page, byte[] bytes) {
    if (node.up && transfer != null) {
      transfer.onManifestPage(peer, sequence, page, bytes, node.replica.view());
    }
  }

  private void receiveChunk(int peer, long sequence, int index, byte[] chunk) {
    if (node.up && transfer != null) {
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
      sim.trace("fetch-manifest", node.id, sequence + " page " + page + " from " + peer);
      sim.network().carry(node.id, peer, sequence, s -> sim.replica(peer).states.serveManifest(node.id, s, page));
    }

    @Override
    public void requestChunk(int peer, long sequence, int index) {
      sim.network().carry(node.id, peer, index, i -> sim.replica(peer).states.serveChunk(node.id, sequence, i));
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
