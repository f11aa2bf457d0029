package dev.bft.core.sim;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.crypto.Digest;

/**
 * The key-value service as the simulations run it, under the name their scenarios know it by:
 * since every service snapshots and transfers through {@link ReplicatedService}, it only delegates.
 */
public final class SnapshottingKv implements ByteChunkService {
  private final KeyValueService kv = new KeyValueService();

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    return kv.execute(operation, ctx);
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return kv.executeReadOnly(operation);
  }

  @Override
  public int chunkCount() {
    return kv.chunkCount();
  }

  @Override
  public Digest[] chunkDigests() {
    return kv.chunkDigests();
  }

  @Override
  public Digest stateDigest() {
    return kv.stateDigest();
  }

  @Override
  public ByteChunkSnapshot snapshot() {
    return kv.snapshot();
  }

  @Override
  public void installChunk(int chunk, byte[] content) {
    kv.installChunk(chunk, content);
  }
}
