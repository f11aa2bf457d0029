package dev.bft.bench.crypto;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.SignatureBatch;
import dev.bft.crypto.SignatureDomain;
import dev.bft.crypto.SignedItem;
import dev.bft.crypto.VerificationTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Signatures per second checked by one batch equation ({@link SignatureBatch#allValid}), one
 * thread, 64-byte messages signed by {@code keys} distinct clients; compare with
 * {@code CryptoBenchmark.verify} (one at a time).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class SignatureBatchBenchmark {
  @Param({"1", "32"})
  int keys;

  List<SignedItem> signatures;
  /** The same signatures with their R's x coordinate as a hint, as a PRE-PREPARE carries them to backups. */
  List<SignedItem> hinted;

  @Setup
  public void setup() {
    SignatureDomain domain = SignatureDomain.of(1);
    Random random = new Random(1);
    List<Ed25519KeyPair> signers = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      signers.add(Ed25519KeyPair.forTesting(k));
    }
    signatures = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      byte[] m = new byte[64];
      random.nextBytes(m);
      Ed25519KeyPair signer = signers.get(i % keys);
      signatures.add(new SignedItem(signer.publicKey(), domain, m, signer.sign(domain, m)));
    }
    byte[][] rX = new byte[signatures.size()][];
    if (SignatureBatch.validity(signatures, new VerificationTally(), rX).cardinality() != signatures.size()) {
      throw new IllegalStateException("a valid batch failed");
    }
    hinted = new ArrayList<>();
    for (int i = 0; i < signatures.size(); i++) {
      hinted.add(signatures.get(i).withRX(rX[i]));
    }
  }

  private boolean check(int n) {
    return check(signatures, n);
  }

  private static boolean check(List<SignedItem> items, int n) {
    boolean ok = SignatureBatch.allValid(items.subList(0, n));
    if (!ok) {
      throw new IllegalStateException("a valid batch failed");
    }
    return ok;
  }

  @Benchmark
  @OperationsPerInvocation(2)
  public boolean batch2() {
    return check(2);
  }

  @Benchmark
  @OperationsPerInvocation(3)
  public boolean batch3() {
    return check(3);
  }

  @Benchmark
  @OperationsPerInvocation(4)
  public boolean batch4() {
    return check(4);
  }

  @Benchmark
  @OperationsPerInvocation(8)
  public boolean batch8() {
    return check(8);
  }

  @Benchmark
  @OperationsPerInvocation(16)
  public boolean batch16() {
    return check(16);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public boolean batch64() {
    return check(64);
  }

  @Benchmark
  @OperationsPerInvocation(256)
  public boolean batch256() {
    return check(256);
  }

  @Benchmark
  @OperationsPerInvocation(16)
  public boolean batch16Hinted() {
    return check(hinted, 16);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public boolean batch64Hinted() {
    return check(hinted, 64);
  }
}
