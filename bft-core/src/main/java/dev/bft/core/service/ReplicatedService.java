package dev.bft.core.service;

import dev.bft.crypto.Digest;

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
 * of two), each with the digest {@link #chunkDigest} of its encoding; the state digest is the
 * Merkle root over them. Checkpoints store only the chunks whose digest changed, and a lagging
 * replica fetches only the chunks that differ from a proven checkpoint's, each in pieces that fit
 * a frame ({@link ChunkPieces}), so a chunk may have any size a Java array holds. Spreading the
 * state over the chunks by a stable hash keeps both cheap.
 *
 * <p><b>Snapshots.</b> At a checkpoint the replica takes a {@link #snapshot()} and keeps serving it
 * to peers and writing it to disk while execution goes on, so a snapshot must stay as it was when
 * taken: copy on write, or a persistent structure (see the key-value service's buckets).
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

  /** The current digest of every chunk, {@code chunkDigest(encoding of chunk c)} at index c. */
  Digest[] chunkDigests();

  /** The digest of the whole state: the Merkle root over {@link #chunkDigests()}, which an override must keep. */
  default Digest stateDigest() {
    return MerkleTree.root(chunkDigests());
  }

  /** An immutable view of the current state, unaffected by later executions. */
  StateSnapshot snapshot();

  /**
   * Replaces chunk {@code chunk} with {@code content}, the encoding a snapshot's
   * {@link StateSnapshot#chunk} gave at another replica. The content matches a digest that 2f + 1
   * replicas proved, so bytes that do not decode mean a bug, not an attack: throw.
   */
  void installChunk(int chunk, byte[] content);

  /** The digest of a chunk's encoding: what {@link #chunkDigests()} must hold for it. */
  static Digest chunkDigest(byte[] content) {
    return ChunkPieces.contentDigest(content);
  }
}
