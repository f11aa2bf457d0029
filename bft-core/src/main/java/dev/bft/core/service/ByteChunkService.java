package dev.bft.core.service;

import dev.bft.crypto.Digest;
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
   * SHA-256: the digests of every stored state and checkpoint stay as they were, and the slice
   * digests lead the chunk's encoding, so a receiver checks the declared length against the proven
   * digest before it takes any content ({@link ChunkPieces#chunkHead}).
   */
  static Digest chunkDigest(byte[] content) {
    return ChunkPieces.contentDigest(content);
  }

  @Override
  default ChunkReceiver receiveChunk(int chunk, Digest proven) {
    return new HeapChunkReceiver(chunk, proven);
  }

  @Override
  default void install(List<ChunkReceiver> chunks, long sequence, SortedMap<Integer, byte[]> clientEntries) {
    for (ChunkReceiver r : chunks) {
      installChunk(r.chunk(), ((HeapChunkReceiver) r).content());
    }
  }
}
