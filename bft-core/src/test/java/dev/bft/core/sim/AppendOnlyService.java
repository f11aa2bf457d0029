package dev.bft.core.sim;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;

/**
 * A test service whose state is the hash chain of every operation executed, in order: any
 * divergence in order or content between replicas shows up in its digest and in its results. Its
 * state is one small chunk, {@code [count:8][chain:32]}.
 */
public final class AppendOnlyService implements ByteChunkService {
  private Digest chain = Digest.ZERO;
  private long count;

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    chain = Digest.sha256(chain.bytesUnsafe(), operation);
    count++;
    return result();
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return result();
  }

  @Override
  public int chunkCount() {
    return 1;
  }

  @Override
  public Digest[] chunkDigests() {
    return new Digest[] {ByteChunkService.chunkDigest(result())};
  }

  @Override
  public ByteChunkSnapshot snapshot() {
    byte[] content = result();
    Digest[] leaves = {ByteChunkService.chunkDigest(content)};
    return new ByteChunkSnapshot() {
      @Override
      public Digest[] chunkDigests() {
        return leaves.clone();
      }

      @Override
      public byte[] chunk(int c) {
        return content.clone();
      }
    };
  }

  @Override
  public void installChunk(int chunk, byte[] content) {
    ByteBuffer b = ByteBuffer.wrap(content);
    count = b.getLong();
    byte[] d = new byte[Digest.SIZE];
    b.get(d);
    chain = Digest.of(d);
  }

  private byte[] result() {
    return ByteBuffer.allocate(8 + Digest.SIZE).putLong(count).put(chain.bytesUnsafe()).array();
  }

  /** Operations of 64 random bytes, like the benchmark's signed 64-byte requests. */
  public static Workload workload() {
    return (clientId, random) -> {
      byte[] op = new byte[64];
      random.nextBytes(op);
      return new Workload.Operation(op, false);
    };
  }
}
