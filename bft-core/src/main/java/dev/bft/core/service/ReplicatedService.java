package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.util.List;
import java.util.SortedMap;

/**
 * What an application implements to be replicated: the one interface between a service and the
 * replica that runs it, in production and in the simulator alike.
 *
 * <p><b>Determinism.</b> Replicas that start in the same state and execute the same operations in
 * the same order must reach the same state, the same chunk digests and the same results: no
 * clocks (use {@link ExecutionContext#timestamp()}), no randomness, no hash-ordered iteration, no
 * floating point whose result depends on the JVM.
 *
 * <p><b>Garbage is a result.</b> An operation comes from a client whose signature checked out, but
 * the client may be Byzantine: whatever bytes it sends, {@link #execute} and
 * {@link #executeReadOnly} return a result (an encoded error) and never throw. An exception is
 * treated as a bug of the service and stops the replica.
 *
 * <p><b>Chunks.</b> The state is cut into a fixed number of chunks ({@link #chunkCount()}, a power
 * of two), each with a digest; the state digest is the Merkle root over them. State transfer walks
 * that tree from a proven root down to the chunks whose digests differ from the lagging replica's
 * and streams only those, each as its encoding in pieces of bounded size ({@link
 * StateSnapshot#read}), received by a {@link ChunkReceiver} that checks them against the proven
 * digest. Spreading the state over the chunks by a stable hash keeps the tree balanced.
 *
 * <p><b>Snapshots.</b> At a checkpoint the replica takes a {@link #snapshot()} and keeps serving it
 * to peers while execution goes on, so a snapshot must stay as it was when taken: copy on write, a
 * persistent structure, or a read transaction of a store with multi-version concurrency (LMDB).
 *
 * <p><b>State in memory or on disk.</b> A service that keeps its state in the heap lets the replica
 * persist its changed chunks at each checkpoint ({@link ByteChunkService} does the chunk plumbing
 * for it). A service whose state may outgrow the heap keeps it durable itself and says how through
 * {@link #durableState()}.
 *
 * <p>Every method is called from one thread at a time (the replica's protocol thread), except
 * those of a snapshot once taken, which may be read from any thread.
 */
public interface ReplicatedService {
  /** Executes an ordered operation and returns its result. */
  byte[] execute(byte[] operation, ExecutionContext ctx);

  /** Executes an operation against the current state without changing it; an error result for an operation that would write. */
  byte[] executeReadOnly(byte[] operation);

  /** The number of chunks: a power of two, the same at every replica and for the service's whole life. */
  int chunkCount();

  /** The current digest of every chunk, at index c the digest of chunk c. */
  Digest[] chunkDigests();

  /** The digest of the whole state: the Merkle root over {@link #chunkDigests()}, which an override must keep. */
  default Digest stateDigest() {
    return MerkleTree.root(chunkDigests());
  }

  /** An immutable view of the current state, unaffected by later executions. */
  StateSnapshot snapshot();

  /**
   * Starts receiving chunk {@code chunk} by state transfer, staged until {@link #install}; the chunk
   * must end with digest {@code proven}, which the Merkle tree proved. The receiver is given it
   * before the first byte so that it can check the header of the encoding against it and stage no
   * more than the honest chunk holds: else a peer that declares a huge chunk could fill the disk
   * or heap before the digest at the end caught the lie (see {@link ChunkReceiver}).
   */
  ChunkReceiver receiveChunk(int chunk, Digest proven);

  /**
   * Replaces each named chunk with what its receiver staged, in one step: state transfer brought
   * the state of checkpoint {@code sequence} (the other chunks already matched it). Every receiver
   * finished with the digest 2f + 1 replicas proved. A durable service stores {@code sequence} and
   * the exactly-once table {@code clientEntries} in the same commit ({@link DurableState}); a
   * service in the heap ignores both.
   */
  void install(List<ChunkReceiver> chunks, long sequence, SortedMap<Integer, byte[]> clientEntries);

  /** How the service keeps its own state durable, or null if the replica is to persist its chunks at checkpoints. */
  default DurableState durableState() {
    return null;
  }
}
