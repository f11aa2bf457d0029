package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * A service state cut into a fixed number of chunks under a Merkle tree, for state transfer: a
 * lagging replica compares the chunk digests of a proven checkpoint with its own and fetches only
 * the chunks that differ, verifying each against the proven digests as it arrives, one chunk in
 * memory at a time.
 */
public interface ChunkedState {
  int chunkCount();

  /** The current digest of every chunk (the Merkle leaves; their root is the state digest). */
  Digest[] chunkDigests();

  /** The current content of one chunk (what {@link #installChunk} takes). */
  byte[] chunk(int index);

  /** Replaces one chunk with verified content. */
  void installChunk(int index, byte[] chunk);

  /** The digest a chunk's content must have to be chunk {@code index} of a state with these leaves. */
  Digest digestOfChunk(byte[] chunk);
}
