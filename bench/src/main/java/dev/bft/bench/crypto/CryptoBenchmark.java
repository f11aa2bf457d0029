package dev.bft.bench.crypto;

import dev.bft.crypto.ParallelVerifier;
import dev.bft.crypto.Digests;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.SignatureDomain;
import dev.bft.crypto.SignedItem;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The crypto primitives a replica spends its time in: Ed25519 sign and verify of a 64-byte request, batch verify, SHA-256. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class CryptoBenchmark {
  static final int BATCH = 256;
  final SignatureDomain domain = SignatureDomain.of(1);
  final Ed25519KeyPair keys = Ed25519KeyPair.forTesting(1);
  byte[] message;
  byte[] signature;
  List<SignedItem> batch;

  @Setup
  public void setup() {
    message = new byte[64];
    new Random(1).nextBytes(message);
    signature = keys.sign(domain, message);
    batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      byte[] m = message.clone();
      m[0] = (byte) i;
      batch.add(new SignedItem(keys.publicKey(), domain, m, keys.sign(domain, m)));
    }
  }

  @Benchmark
  public byte[] sign() {
    return keys.sign(domain, message);
  }

  @Benchmark
  public boolean verify() {
    return keys.publicKey().verify(domain, message, signature);
  }

  /** Batch verification on a pool of {@code threads} threads; reported per signature. */
  @State(Scope.Benchmark)
  public static class Pool {
    @Param({"1", "2"})
    int threads;
    ParallelVerifier verifier;

    @Setup(Level.Trial)
    public void start() {
      verifier = new ParallelVerifier(threads);
    }

    @TearDown(Level.Trial)
    public void stop() {
      verifier.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public BitSet parallelVerify(Pool pool) {
    return pool.verifier.verifyAll(batch);
  }

  /** SHA-256 over inputs of {@code size} bytes. */
  @State(Scope.Benchmark)
  public static class Input {
    @Param({"64", "1024", "65536"})
    int size;
    byte[] data;

    @Setup
    public void fill() {
      data = new byte[size];
      new Random(2).nextBytes(data);
    }
  }

  @Benchmark
  public byte[] sha256(Input in) {
    return Digests.sha256(in.data);
  }
}
