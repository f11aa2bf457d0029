package dev.bft.core.statetransfer;

import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.ExecutionContext;
import dev.bft.crypto.Digest;
import java.util.SortedMap;
import java.util.List;

/**
 * A service whose state is an array of byte chunks set directly by the test, with digests kept
 * up to date as chunks change: 65 536 chunks cost nothing to compare. It counts the receivers it
 * hands out and those discarded.
 */
public final class ArrayService implements ByteChunkService {
  private final byte[][] chunks;
  private final Digest[] digests;
  public int receivers;
  public int discarded;
  public int installs;

  public ArrayService(int chunkCount) {
    chunks = new byte[chunkCount][];
    digests = new Digest[chunkCount];
    Digest empty = ByteChunkService.chunkDigest(new byte[0]);
    for (int c = 0; c < chunkCount; c++) {
      chunks[c] = new byte[0];
      digests[c] = empty;
    }
  }

  public ArrayService set(int chunk, byte[] content) {
    chunks[chunk] = content.clone();
    digests[chunk] = ByteChunkService.chunkDigest(content);
    return this;
  }

  public byte[] chunk(int c) {
    return chunks[c].clone();
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    return new byte[0];
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return new byte[0];
  }

  @Override
  public int chunkCount() {
    return chunks.length;
  }

  @Override
  public Digest[] chunkDigests() {
    return digests.clone();
  }

  @Override
  public ByteChunkSnapshot snapshot() {
    byte[][] content = chunks.clone(); // chunks are replaced, never changed in place
    Digest[] at = digests.clone();
    return new ByteChunkSnapshot() {
      @Override
      public byte[] chunk(int c) {
        return content[c];
      }

      @Override
      public Digest[] chunkDigests() {
        return at.clone();
      }
    };
  }

  @Override
  public void installChunk(int chunk, byte[] content) {
    set(chunk, content);
  }

  @Override
  public ChunkReceiver receiveChunk(int chunk, Digest proven) {
    receivers++;
    return new Counted(ByteChunkService.super.receiveChunk(chunk, proven));
  }

  @Override
  public void install(List<ChunkReceiver> received, long sequence, SortedMap<Integer, byte[]> clientEntries) {
    installs++;
    ByteChunkService.super.install(received.stream().map(r -> ((Counted) r).inner).toList(), sequence, clientEntries);
  }

  /** A heap receiver that counts its discard. */
  private final class Counted implements ChunkReceiver {
    final ChunkReceiver inner;

    Counted(ChunkReceiver inner) {
      this.inner = inner;
    }

    @Override
    public int chunk() {
      return inner.chunk();
    }

    @Override
    public boolean accept(byte[] piece) {
      return inner.accept(piece);
    }

    @Override
    public Digest finish() {
      return inner.finish();
    }

    @Override
    public void discard() {
      discarded++;
      inner.discard();
    }
  }
}
