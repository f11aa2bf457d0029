package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * A held snapshot as state transfer serves it: chunk index {@code k * chunks + c} is piece k of
 * chunk c ({@link ChunkPieces}), so a large chunk still travels in frames of bounded size and a
 * small state still travels one frame per chunk. Safe to read from any thread.
 */
public final class SnapshotPieces {
  private final StateSnapshot snapshot;
  private final Digest[] leaves;
  /** Computed on the first request: most snapshots are never served. */
  private volatile int indexBound = -1;

  public SnapshotPieces(StateSnapshot snapshot) {
    this.snapshot = snapshot;
    this.leaves = snapshot.chunkDigests();
  }

  public StateSnapshot snapshot() {
    return snapshot;
  }

  /** The Merkle leaves, a fresh copy. */
  public Digest[] leaves() {
    return leaves.clone();
  }

  /** Every chunk index is below this: chunks times the most pieces any chunk makes. */
  public int indexBound() {
    int bound = indexBound;
    if (bound < 0) {
      int most = 1;
      for (int c = 0; c < leaves.length; c++) {
        most = Math.max(most, ChunkPieces.pieceCount(((ByteChunkSnapshot) snapshot).chunk(c).length));
      }
      bound = (int) Math.min(Integer.MAX_VALUE, (long) leaves.length * most);
      indexBound = bound;
    }
    return bound;
  }

  /** Piece {@code index / chunks} of chunk {@code index % chunks}; empty when that chunk has fewer pieces. */
  public byte[] piece(int index) {
    if (index < 0) {
      return new byte[0];
    }
    byte[] piece = ChunkPieces.piece(((ByteChunkSnapshot) snapshot).chunk(index % leaves.length), index / leaves.length);
    return piece == null ? new byte[0] : piece;
  }
}
