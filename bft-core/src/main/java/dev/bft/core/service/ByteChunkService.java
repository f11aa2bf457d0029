package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SortedMap;

/**
 * A service that keeps its state in the heap and cuts it into chunks that are byte arrays: it
 * implements {@link #installChunk} and a {@link ByteChunkSnapshot}, and this interface receives
 * and installs chunks for it. The replica persists such a service's changed chunks at each
 * checkpoint. A chunk's digest is {@link #chunkDigest} of its content.
 */
public interface ByteChunkService extends ReplicatedService {
  /** The longest chunk content a receiver accepts: a peer cannot make it buffer more. */
  long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 64;

  @Override
  ByteChunkSnapshot snapshot();

  /**
   * Replaces chunk {@code chunk} with {@code content}, the content a snapshot's
   * {@link ByteChunkSnapshot#chunk} gave at another replica. The content matches a digest that 2f + 1
   * replicas proved, so bytes that do not decode mean a bug, not an attack: throw.
   */
  void installChunk(int chunk, byte[] content);

  /**
   * The digest of a chunk's content: what {@link #chunkDigests()} must hold for it. It stays
   * {@link ChunkPieces#contentDigest} (a digest over 1 MiB slice digests) rather than a plain tagged
   * SHA-256: the digests of every stored state and checkpoint stay as they were, and it can still be
   * computed as the bytes stream in. Chunks no longer travel as those slices.
   */
  static Digest chunkDigest(byte[] content) {
    return ChunkPieces.contentDigest(content);
  }

  @Override
  default ChunkReceiver receiveChunk(int chunk) {
    return new Buffered(chunk);
  }

  @Override
  default void install(List<ChunkReceiver> chunks, long sequence, SortedMap<Integer, byte[]> clientEntries) {
    for (ChunkReceiver r : chunks) {
      installChunk(r.chunk(), ((Buffered) r).content());
    }
  }

  /** Receives a byte chunk into the heap: its length first, then as many bytes as it said. */
  final class Buffered implements ChunkReceiver {
    private final int chunk;
    private final byte[] header = new byte[8];
    private int headerBytes;
    private long length = -1;
    private ByteArrayOutputStream content;
    private boolean spoilt;

    Buffered(int chunk) {
      this.chunk = chunk;
    }

    @Override
    public int chunk() {
      return chunk;
    }

    @Override
    public boolean accept(byte[] piece) {
      if (spoilt) {
        return false;
      }
      int at = 0;
      while (length < 0 && at < piece.length) {
        header[headerBytes++] = piece[at++];
        if (headerBytes == 8) {
          length = ByteBuffer.wrap(header).getLong();
          if (length < 0 || length > MAX_CHUNK_BYTES) {
            spoilt = true;
            return false;
          }
          // Grown as bytes arrive, not allocated by the declared length: the length is a peer's word.
          content = new ByteArrayOutputStream((int) Math.min(length, 1 << 16));
        }
      }
      int rest = piece.length - at;
      if (rest > 0 && (length < 0 || content.size() + (long) rest > length)) {
        spoilt = true;
        return false;
      }
      if (rest > 0) {
        content.write(piece, at, rest);
      }
      return true;
    }

    @Override
    public Digest finish() {
      if (spoilt || length < 0 || content.size() != length) {
        return null;
      }
      return chunkDigest(content.toByteArray());
    }

    byte[] content() {
      return content.toByteArray();
    }

    @Override
    public void discard() {
      content = null;
      spoilt = true;
    }
  }
}
