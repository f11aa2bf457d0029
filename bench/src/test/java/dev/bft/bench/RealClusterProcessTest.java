package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four real replica processes on loopback ports chosen at run time. Replicas are killed with
 * SIGKILL while a client keeps writing and reading; up to f = 1 at a time, nothing acknowledged
 * may be lost and every operation must complete, including after the primary dies (a view change
 * over real sockets).
 */
class RealClusterProcessTest {
  @TempDir
  Path dir;
  final List<Process> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(Process::destroyForcibly);
  }

  private Process start(Path file, int id) throws Exception {
    Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "replica", "--config", file.toString(), "--id",
        String.valueOf(id)).redirectErrorStream(true).redirectOutput(dir.resolve("replica-" + id + ".log").toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    return pb.start();
  }

  /**
   * The future's value within {@code seconds}; on a timeout, fails with what the replicas were
   * doing: which processes are alive and the end of each log (a replica that died says why there,
   * or in an hs_err file the JVM names in it).
   */
  private <T> T within(CompletableFuture<T> future, int seconds) throws Exception {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      StringBuilder why = new StringBuilder("no reply within " + seconds + " s");
      for (int i = 0; i < replicas.size(); i++) {
        Process p = replicas.get(i);
        why.append("\n--- replica ").append(i).append(p.isAlive() ? " (alive)" : " (exited " + p.exitValue() + ")");
        Path log = dir.resolve("replica-" + i + ".log");
        if (Files.exists(log)) {
          List<String> lines = Files.readAllLines(log);
          lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> why.append("\n").append(l));
        }
      }
      throw new AssertionError(why.toString(), e);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The default run kills backups and primaries in the nemesis and LedgerProcessTest. */
  @Test
  @org.junit.jupiter.api.Tag("slow") // run with -Pslow (README)
  void signedOperationsSurviveTheSigkillOfABackupAndThenOfThePrimary() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", freeBase(), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      replicas.add(start(file, i));
    }
    try (BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      for (int i = 0; i < 10; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 120)).isEqualTo(KvResult.OK);
      }
      replicas.get(2).destroyForcibly().waitFor(); // SIGKILL a backup
      for (int i = 10; i < 20; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 120)).isEqualTo(KvResult.OK);
      }
      replicas.set(2, start(file, 2)); // it recovers from its LMDB directory and catches up
      Thread.sleep(1500);
      replicas.get(0).destroyForcibly().waitFor(); // SIGKILL the primary of view 0
      for (int i = 20; i < 30; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 60)).isEqualTo(KvResult.OK);
      }
      for (int i = 0; i < 30; i++) {
        assertThat(within(client.get(b("k" + i)), 120)).as("k%d", i).isEqualTo(KvResult.value(b("v" + i)));
      }
      // the read-only path: executed at once by each replica, accepted on 2f + 1 matching replies
      byte[] readOnly = within(client.invokeReadOnly(new dev.bft.core.service.KvOperation.Get(b("k7")).encode()), 120);
      assertThat(KvResult.decode(readOnly)).isEqualTo(KvResult.value(b("v7")));
    }
  }

  @Test
  @Tag("slow") // ClientDigestRepliesTest and the simulator's LyingDesignatedReplierTest hold the re-ask in the default run
  void readsOfLargeValuesCompleteAsReadsWhileADesignatedReplierIsKilled() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", freeBase(), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      replicas.add(start(file, i));
    }
    // A long retransmission timeout: a read that fell back to the ordered path would have waited it out.
    try (BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 10_000)
        .defaultDeadline(ReplicaProcesses.PATIENCE)) {
      byte[] large = new byte[4000]; // over reply.digest.bytes: one designated replier sends it, the rest its digest
      java.util.Arrays.fill(large, (byte) 'v');
      assertThat(within(client.put(b("large"), large), 120)).isEqualTo(KvResult.OK);
      replicas.get(3).destroyForcibly().waitFor(); // SIGKILL a backup
      assertThat(within(client.put(b("large"), large), 120)).isEqualTo(KvResult.OK);
      // Consecutive request numbers rotate the designated replier, so some of 8 reads name the dead replica.
      for (int i = 0; i < 8; i++) {
        byte[] read = within(client.invokeReadOnly(new dev.bft.core.service.KvOperation.Get(b("large")).encode()), 120);
        assertThat(KvResult.decode(read)).isEqualTo(KvResult.value(large));
      }
      assertThat(client.readOnlyReasks()).as("reads whose designated replier was dead").isPositive();
      assertThat(client.readOnlyFallbacks()).as("asked again as reads, none ordered").isZero();
    }
  }

  @Test
  void nothingAcknowledgedIsLostWhenEveryReplicaIsKilledAndRestarted() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", freeBase(), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      replicas.add(start(file, i));
    }
    Ed25519KeyPair key = KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000));
    try (BftClient client = new BftClient(cluster, 1000, key, 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      for (int i = 0; i < 15; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 120)).isEqualTo(KvResult.OK);
      }
    }
    for (Process p : replicas) {
      p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
    }
    replicas.clear();
    for (int i = 0; i < 4; i++) {
      replicas.add(start(file, i));
    }
    try (BftClient client = new BftClient(cluster, 1000, key, 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      for (int i = 0; i < 15; i++) {
        assertThat(within(client.get(b("k" + i)), 60)).as("k%d after restart", i)
            .isEqualTo(KvResult.value(b("v" + i)));
      }
    }
    assertThat(Files.readString(dir.resolve("replica-0.log"))).contains("recovered from");
  }

  /** The default run transfers state between processes in LargeStateProcessTest, LedgerProcessTest and the nemesis's wipes. */
  @Test
  @org.junit.jupiter.api.Tag("slow") // run with -Pslow (README)
  void aReplicaThatMissedManyCheckpointsCatchesUpByStateTransferOverTheNetwork() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", freeBase(), false, new SecureRandom());
    // checkpoints every 8 sequence numbers in a window of 16, so missing 60 puts leaves a replica far behind
    String text = Files.readString(file).replace("checkpoint.interval = 128", "checkpoint.interval = 8")
        .replace("log.window = 256", "log.window = 16").replace("pipeline.depth = 16", "pipeline.depth = 4");
    Files.writeString(file, text);
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      replicas.add(start(file, i));
    }
    try (BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      for (int i = 0; i < 5; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 120)).isEqualTo(KvResult.OK);
      }
      replicas.get(3).destroyForcibly().waitFor();
      for (int i = 5; i < 65; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 120)).isEqualTo(KvResult.OK);
      }
      replicas.set(3, start(file, 3));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(dir.resolve("replica-3.log")).contains("installed the state")
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(Files.readString(dir.resolve("replica-3.log"))).contains("installed the state of checkpoint");
      // Without replica 2, progress needs replica 3: it must really have caught up.
      replicas.get(2).destroyForcibly().waitFor();
      for (int i = 65; i < 75; i++) {
        assertThat(within(client.put(b("k" + i), b("v" + i)), 60)).isEqualTo(KvResult.OK);
      }
      for (int i = 0; i < 75; i += 7) {
        assertThat(within(client.get(b("k" + i)), 120)).isEqualTo(KvResult.value(b("v" + i)));
      }
    }
  }

  @Test
  @Tag("slow") // bft client load and the metrics: LoadRunTest, MetricsTest and the nemesis's clients cover them in the default run
  void eightConcurrentClientsCompleteOperationsAndTheMetricsCountThem() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 8, "127.0.0.1", freeBase(), false, new SecureRandom());
    int metricsPort = dev.bft.core.config.FreePorts.consecutive(1);
    for (int i = 0; i < 4; i++) {
      Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");
      List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "replica", "--config", file.toString(), "--id",
          String.valueOf(i)));
      if (i == 1) {
        cmd.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("replica-" + i + ".log").toFile());
      pb.environment().put("BFT_NO_BUILD", "1");
      replicas.add(pb.start());
    }
    // As a user would: the load starts once the replicas listen. Started together on a slow
    // machine, the clients' first requests went unanswered for seconds of retransmission back-off.
    for (int i = 0; i < 4; i++) {
      awaitLogLine(dir.resolve("replica-" + i + ".log"), "running on", 60);
    }
    Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");
    ProcessBuilder load = new ProcessBuilder(launcher.toString(), "client", "load", "--config", file.toString(),
        "--clients", "8", "--duration", "6s").redirectOutput(dir.resolve("load.out").toFile())
        .redirectError(dir.resolve("load.err").toFile());
    load.environment().put("BFT_NO_BUILD", "1");
    Process p = load.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    String[] row = Files.readAllLines(dir.resolve("load.out")).get(1).trim().split("\\s+");
    long ops = Long.parseLong(row[1]);
    // throughput is the benchmarks' business; here: concurrent clients all make progress, and it adds up
    assertThat(ops).as("operations completed by 8 concurrent clients").isPositive();
    String metrics = new String(new java.net.URL("http://127.0.0.1:" + metricsPort + "/metrics").openStream().readAllBytes(),
        StandardCharsets.UTF_8);
    double executed = metrics.lines().filter(l -> l.startsWith("bft_requests_executed_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertThat(executed).as("replica 1 executed (nearly) all the clients saw complete").isGreaterThanOrEqualTo(0.9 * ops);
  }

  private static void awaitLogLine(Path log, String text, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      if (System.nanoTime() > end) {
        throw new AssertionError(log + " did not say '" + text + "' within " + seconds + " s: "
            + (Files.exists(log) ? Files.readString(log) : "(no log)"));
      }
      Thread.sleep(50);
    }
  }

  private static int freeBase() throws Exception {
    return dev.bft.core.config.FreePorts.consecutive(8); // 4 replica ports and 4 metrics ports
  }

}
