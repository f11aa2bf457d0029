package dev.bft.core.service;

import java.nio.ByteBuffer;

/**
 * A snapshot whose chunks are byte arrays in the heap ({@link ByteChunkService}). A chunk's
 * encoding on the wire is {@code [content length:8][content]}, and a position is the 8-byte offset
 * into that encoding: the receiver learns the length first and takes no byte beyond it.
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
    long total = 8L + content.length;
    if (offset < 0 || offset >= total) {
      return null;
    }
    int length = (int) Math.min(maxBytes, total - offset);
    byte[] bytes = new byte[length];
    // The 8-byte length header as a long: an int shifted by 32 or more would wrap and lie about it.
    byte[] header = ByteBuffer.allocate(8).putLong(content.length).array();
    int fromHeader = (int) Math.max(0, Math.min(length, 8 - offset));
    System.arraycopy(header, (int) Math.min(offset, 8), bytes, 0, fromHeader);
    if (length > fromHeader) {
      System.arraycopy(content, (int) Math.max(0, offset - 8), bytes, fromHeader, length - fromHeader);
    }
    long next = offset + length;
    return new Piece(bytes, next == total ? null : ByteBuffer.allocate(8).putLong(next).array());
  }

}
