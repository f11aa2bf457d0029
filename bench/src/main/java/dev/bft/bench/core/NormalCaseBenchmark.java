package dev.bft.bench.core;

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
 * Normal-case throughput of n = 4 replica cores in one thread, in requests per second: each
 * invocation orders and executes {@value #REQUESTS} signed 64-byte requests at all four replicas,
 * cut into batches of {@code batchSize}. {@code crypto=ed25519} signs and verifies every message
 * and request with the production codec; {@code crypto=none} passes typed messages directly.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class NormalCaseBenchmark {
  static final int REQUESTS = 1024;

  @Param({"1", "16", "64", "256", "1024"})
  int batchSize;

  @Param({"ed25519", "none"})
  String crypto;

  /** 1: everything on one thread; 2: signatures verified on a pool first, as in the replica runtime. */
  @Param({"1"})
  int verifyThreads;

  InProcessCluster cluster;

  @Setup
  public void setup() {
    cluster = new InProcessCluster(4, batchSize, REQUESTS, crypto.equals("ed25519"), verifyThreads);
  }

  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public void orderAndExecute() {
    cluster.runRound(REQUESTS);
  }
}
