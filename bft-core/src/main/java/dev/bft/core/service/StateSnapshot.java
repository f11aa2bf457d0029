package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * A service's state at a checkpoint, as chunks. Immutable and safe to read from any thread: the
 * replica serves it to lagging peers while the service executes on. A snapshot may hold resources
 * (an LMDB read transaction): the replica closes it once a later checkpoint is stable.
 *
 * <p>A chunk travels as a stream of bytes, its <em>encoding</em>, read in pieces of bounded size so
 * that no chunk, however large, is ever held whole by either side. Where a piece ends the snapshot
 * names the <em>position</em> of the next one (opaque bytes, at most {@link #MAX_POSITION_BYTES}),
 * and the receiver asks for it by that name: a snapshot over a B-tree resumes at a key rather than
 * counting bytes from the chunk's start.
 */
public interface StateSnapshot extends AutoCloseable {
  /** The longest position a snapshot may name: a key of the largest size a service allows, and room besides. */
  int MAX_POSITION_BYTES = 2048;

  /** The digest of every chunk when the snapshot was taken; their Merkle root is the state digest then. */
  Digest[] chunkDigests();

  /**
   * At most {@code maxBytes} bytes (and at least one, unless the chunk's encoding is empty) of chunk
   * {@code chunk}'s encoding from {@code position}: an empty position is the chunk's start, any other
   * one a {@link Piece#next()} this snapshot gave. The position comes from a peer: one this snapshot
   * could not have given yields null (the request is dropped), never an exception.
   */
  Piece read(int chunk, byte[] position, int maxBytes);

  /** Releases what the snapshot holds; reads after this are a bug of the caller. */
  @Override
  default void close() {}

  /** Bytes of a chunk's encoding, and the position after them: null when they end the chunk. */
  record Piece(byte[] bytes, byte[] next) {
    public boolean last() {
      return next == null;
    }
  }
}
