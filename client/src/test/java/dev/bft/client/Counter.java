package dev.bft.client;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;

/**
 * The smallest useful service: one counter. An operation is an 8-byte amount to add (anything else
 * is answered with an empty result); the result and the read-only answer are the counter's value.
 * Its state is one chunk of 8 bytes.
 */
public final class Counter implements ByteChunkService {
  private long value;

  public static byte[] add(long amount) {
    return ByteBuffer.allocate(8).putLong(amount).array();
  }

  public static long value(byte[] result) {
    return ByteBuffer.wrap(result).getLong();
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    if (operation.length != 8) {
      return new byte[0];
    }
    value += ByteBuffer.wrap(operation).getLong();
    return encode(value);
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return encode(value);
  }

  @Override
  public int chunkCount() {
    return 1;
  }

  @Override
  public Digest[] chunkDigests() {
    return new Digest[] {ByteChunkService.chunkDigest(encode(value))};
  }

  @Override
  public ByteChunkSnapshot snapshot() {
    long at = value;
    return new ByteChunkSnapshot() {
      @Override
      public Digest[] chunkDigests() {
        return new Digest[] {ByteChunkService.chunkDigest(encode(at))};
      }

      @Override
      public byte[] chunk(int c) {
        return encode(at);
      }
    };
  }

  @Override
  public void installChunk(int chunk, byte[] content) {
    if (content.length != 8) {
      throw new IllegalArgumentException("not a counter: " + content.length + " bytes");
    }
    value = ByteBuffer.wrap(content).getLong();
  }

  private static byte[] encode(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
