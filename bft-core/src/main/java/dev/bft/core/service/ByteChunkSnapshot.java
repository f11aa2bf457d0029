package dev.bft.core.service;

import java.nio.ByteBuffer;

/**
 * A snapshot whose chunks are byte arrays in the heap ({@link ByteChunkService}). A chunk's
 * encoding on the wire is its head, {@code [content length:8][K x slice digest]}
 * ({@link ChunkPieces#chunkHead}), then the content; a position is the 8-byte offset into that
 * encoding. The receiver checks the head against the proven digest before it takes any content.
 */
public interface ByteChunkSnapshot extends StateSnapshot {
  /** The whole content of chunk {@code c}, whose {@link ByteChunkService#chunkDigest} is {@code chunkDigests()[c]}. */
  byte[] chunk(int c);

  @Override
  default Piece read(int c, byte[] position, int maxBytes) {
    if (c < 0 || c >= chunkDigests().length || maxBytes < 1) {
      return null;
    }
    long offset;
    if (position.length == 0) {
      offset = 0;
    } else if (position.length == 8) {
      offset = ByteBuffer.wrap(position).getLong();
    } else {
      return null;
    }
    byte[] content = chunk(c);
    int headBytes = ChunkPieces.chunkHeadBytes(content.length);
    long total = (long) headBytes + content.length;
    if (offset < 0 || offset >= total) {
      return null;
    }
    int length = (int) Math.min(maxBytes, total - offset);
    byte[] bytes = new byte[length];
    int fromHead = (int) Math.max(0, Math.min(length, headBytes - offset));
    if (fromHead > 0) {
      // Hashed only for a piece that carries some of the head: the first of a chunk, as a rule.
      System.arraycopy(ChunkPieces.chunkHead(content), (int) offset, bytes, 0, fromHead);
    }
    if (length > fromHead) {
      System.arraycopy(content, (int) Math.max(0, offset - headBytes), bytes, fromHead, length - fromHead);
    }
    long next = offset + length;
    return new Piece(bytes, next == total ? null : ByteBuffer.allocate(8).putLong(next).array());
  }
}
