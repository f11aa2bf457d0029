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
    for (int i = 0; i < length; i++) {
      long at = offset + i;
      bytes[i] = at < 8 ? (byte) (content.length >>> (8 * (7 - at)) & 0xFF) : 0;
    }
    if (offset + length > 8) {
      int from = (int) Math.max(0, offset - 8);
      int into = (int) Math.max(0, 8 - offset);
      System.arraycopy(content, from, bytes, into, length - into);
    }
    long next = offset + length;
    return new Piece(bytes, next == total ? null : ByteBuffer.allocate(8).putLong(next).array());
  }

}
