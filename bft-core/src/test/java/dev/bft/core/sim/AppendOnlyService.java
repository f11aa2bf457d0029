package dev.bft.core.sim;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;

/**
 * A test service whose state is the hash chain of every operation executed, in order: any
 * divergence in order or content between replicas shows up in its digest and in its results.
 */
public final class AppendOnlyService implements ReplicatedService, StateSnapshots {
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
  public Digest stateDigest() {
    return chain;
  }

  private record Snapshot(Digest chain, long count) {}

  @Override
  public Object snapshot() {
    return new Snapshot(chain, count);
  }

  @Override
  public Digest digestOf(Object snapshot) {
    return ((Snapshot) snapshot).chain();
  }

  @Override
  public void restore(Object snapshot) {
    Snapshot s = (Snapshot) snapshot;
    chain = s.chain();
    count = s.count();
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
