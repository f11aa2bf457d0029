package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * A service state cut into a fixed number of chunks under a Merkle tree, for state transfer: a
 * lagging replica compares the chunk digests of a proven checkpoint with its own and fetches only
 * the chunks that differ. A chunk travels in pieces ({@link ChunkPieces}), chunk index
 * {@code k * chunkCount() + c} being piece k of chunk c, each verified as it arrives; a chunk is
 * installed once all its pieces are in.
 */
public interface ChunkedState {
  /** The number of chunks (Merkle leaves). */
  int chunkCount();

  /** The current digest of every chunk (the Merkle leaves; their root is the state digest). */
  Digest[] chunkDigests();

  /** The piece at chunk index {@code index} (see above) of the current state; empty if there is no such piece. */
  byte[] chunk(int index);

  /** Replaces chunk {@code chunk} with its verified whole content. */
  void installChunk(int chunk, byte[] content);

  /** The digest a chunk's whole content must have to be a chunk of a state with these leaves. */
  Digest digestOfChunk(byte[] content);
}
