package dev.bft.bench.state;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvSnapshot;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * State transfer and checkpoints of the key-value service against state size (entries of 1 KiB).
 * {@code transfer}: a lagging replica receives every chunk of a checkpoint, verifies it against the
 * checkpoint's chunk digests and installs it (the network is not included). {@code checkpoint}:
 * 1000 random puts, then the checkpoint digest and a copy-on-write snapshot.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class StateTransferBenchmark {
  static final ExecutionContext CTX = new ExecutionContext(1000, 1, 1, 0);
  static final int VALUE = 1024;

  @Param({"1", "10", "100"})
  int stateMiB;

  KeyValueService source;
  KvSnapshot snapshot;
  Digest[] leaves;
  Random random;

  @Setup(Level.Trial)
  public void fill() {
    random = new Random(1);
    source = new KeyValueService(1024, 64, 2 * VALUE);
    int entries = stateMiB * 1024;
    byte[] value = new byte[VALUE];
    for (int i = 0; i < entries; i++) {
      random.nextBytes(value);
      source.execute(new KvOperation.Put(key(i), value).encode(), CTX);
    }
    snapshot = source.snapshot();
    leaves = snapshot.chunkDigests();
  }

  static byte[] key(int i) {
    return ByteBuffer.allocate(16).putLong(i * 0x9E3779B97F4A7C15L).putLong(i).array();
  }

  @Benchmark
  public Digest transfer() {
    KeyValueService target = new KeyValueService(1024, 64, 2 * VALUE);
    for (int b = 0; b < snapshot.leafCount(); b++) {
      byte[] chunk = snapshot.chunk(b);
      if (!dev.bft.core.service.ByteChunkService.chunkDigest(chunk).equals(leaves[b])) {
        throw new IllegalStateException("chunk " + b + " does not verify");
      }
      target.installChunk(b, chunk);
    }
    return target.stateDigest();
  }

  @Benchmark
  public KvSnapshot checkpoint() {
    byte[] value = new byte[VALUE];
    int entries = stateMiB * 1024;
    for (int i = 0; i < 1000; i++) {
      random.nextBytes(value);
      source.execute(new KvOperation.Put(key(random.nextInt(entries)), value).encode(), CTX);
    }
    source.stateDigest();
    return source.snapshot();
  }
}
