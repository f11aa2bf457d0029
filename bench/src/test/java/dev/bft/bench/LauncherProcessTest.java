package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code bin/bft} as a real process, from another working directory, the way a user does. */
class LauncherProcessTest {
  @TempDir
  Path work;

  static final Path LAUNCHER = BftLauncher.LAUNCHER;

  private BftLauncher.Run bft(String... args) throws IOException, InterruptedException {
    return bft(120, args);
  }

  /** The suite runs five clusters one after another: on a 2-core CI machine beside other forks, over two minutes. */
  private BftLauncher.Run bft(int timeoutSeconds, String... args) throws IOException, InterruptedException {
    return BftLauncher.run(work, timeoutSeconds, args);
  }

  /**
   * A replica that stops on a failure is started again by bin/bft cluster, as a supervisor would
   * (issue 22: a replica whose thread fails stops instead of staying up doing nothing), and the
   * restarted replica recovers from its LMDB directory and serves.
   */
  @Test
  void theLocalClusterRestartsAReplicaThatStopsAndItRecoversFromLmdb() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "cluster", "--dir", "local", "--operations", "3")
        .directory(work.toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    Path out = work.resolve("cluster-out.txt");
    Path err = work.resolve("cluster-err.txt");
    Process cluster = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      awaitText(out, "the cluster keeps running", 120);
      // the key-value demo's one check in the default run (UnpackedTarballIT runs the ledger's)
      assertThat(Files.readString(out)).contains("put key-3 = value-3 -> ok", "get key-2 -> value-2", "delete key-1 -> ok",
          "get key-1 -> (absent)", "every result as expected");
      ProcessHandle replica2 = cluster.descendants()
          .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("--id 2")).orElse(false))
          .findFirst().orElseThrow(() -> new AssertionError("no process of replica 2 under bin/bft cluster"));
      replica2.destroyForcibly(); // SIGKILL: it exits with a failure, as a replica stopped by its supervisor does
      awaitText(err, "replica 2 exited with code", 30);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.readString(work.resolve("local/logs/replica-2.log")).split("recovered from", -1).length < 2
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(Files.readString(work.resolve("local/logs/replica-2.log"))).contains("recovered from");
      BftLauncher.Run put = bft("client", "--config", "local/cluster.conf", "put", "after-restart", "yes");
      assertThat(put.exit()).as(put.err()).isZero();
    } finally {
      cluster.destroy(); // as Ctrl-C: the cluster stops its replicas
      if (!cluster.waitFor(20, TimeUnit.SECONDS)) {
        cluster.descendants().forEach(ProcessHandle::destroyForcibly);
        cluster.destroyForcibly();
      }
    }
  }

  /**
   * Stopping {@code bin/bft cluster} (SIGTERM, as Ctrl-C or a service manager does) stops every
   * replica it started, also one that does not act on SIGTERM: replica 1 is paused (SIGSTOP), so
   * only a kill ends it. Before, the launcher sent SIGTERM and exited, and such a replica outlived it.
   */
  @Test
  void stoppingTheLocalClusterStopsEveryReplicaAlsoAPausedOne() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "cluster", "--dir", "paused", "--operations", "2")
        .directory(work.toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    Path out = work.resolve("paused-out.txt");
    Process cluster = pb.redirectOutput(out.toFile()).redirectError(work.resolve("paused-err.txt").toFile()).start();
    java.util.List<ProcessHandle> replicas = java.util.List.of();
    try {
      awaitText(out, "the cluster keeps running", 120);
      replicas = cluster.descendants()
          .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(" replica ")).orElse(false)).toList();
      assertThat(replicas).as("the replica processes under bin/bft cluster").hasSize(4);
      ProcessHandle paused = replicas.stream()
          .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("--id 1")).orElse(false))
          .findFirst().orElseThrow();
      assertThat(new ProcessBuilder("kill", "-STOP", String.valueOf(paused.pid())).start().waitFor()).isZero();

      cluster.destroy();
      assertThat(cluster.waitFor(60, TimeUnit.SECONDS)).as("the launcher exits").isTrue();
      for (ProcessHandle r : replicas) {
        r.onExit().get(10, TimeUnit.SECONDS);
        assertThat(r.isAlive()).as("replica process %d", r.pid()).isFalse();
      }
    } finally {
      replicas.forEach(ProcessHandle::destroyForcibly);
      cluster.destroyForcibly();
    }
  }

  private static void awaitText(Path file, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!(Files.exists(file) && Files.readString(file).contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' within " + seconds + " s in " + file + ": "
            + (Files.exists(file) ? Files.readString(file) : "(none)"));
      }
      Thread.sleep(200);
    }
  }

  /**
   * The build's class-data archive is one this JVM can map: -Xshare:on refuses to start otherwise
   * (bin/bft alone would ignore a stale archive silently, and start slower).
   */
  @Test
  void theLauncherMapsTheClassArchiveTheBuildMade() throws Exception {
    Path archive = LAUNCHER.getParent().getParent().resolve("bench/target/bft.jsa");
    org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("bft.classArchive.skip"),
        "the build ran with -Dbft.classArchive.skip");
    assertThat(archive).as("the build's training run writes the archive before the tests").exists();
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "keygen", "--out", "mapped").directory(work.toFile())
        .redirectErrorStream(true);
    pb.environment().put("BFT_NO_BUILD", "1");
    pb.environment().put("JAVA_OPTS", "-Xshare:on");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(work.resolve("mapped/cluster.conf")).exists();
  }

  @Test
  void keygenRunsAsARealProcessFromAnyDirectory() throws Exception {
    BftLauncher.Run r = bft("keygen", "--replicas", "4", "--clients", "2", "--out", "cluster");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(ClusterFile.load(work.resolve("cluster/cluster.conf")).n()).isEqualTo(4);
    assertThat(work.resolve("cluster/keys/client-1001.key")).exists();
  }

  @Test
  @org.junit.jupiter.api.Tag("slow") // the default run takes this path from the tarball (UnpackedTarballIT, with the ledger) and with --netns
  void clusterStartsRealReplicaProcessesAndAClientCompletesSignedOperations() throws Exception {
    BftLauncher.Run r = bft("cluster", "--dir", "local", "--operations", "5", "--demo-only");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("started 4 replica processes", "put key-5 = value-5 -> ok", "get key-3 -> value-3", "delete key-1 -> ok", "get key-1 -> (absent)",
        "every result as expected", "stopped the replicas");
  }

  @Test
  void theLauncherRefusesMoreByzantineReplicasThanFBeforeStartingAny() throws Exception {
    BftLauncher.Run tooMany = bft("cluster", "--dir", "attacked", "--demo-only", "--byzantine", "0=lie,1=lie");
    assertThat(tooMany.exit()).isEqualTo(1);
    assertThat(tooMany.err().strip()).isEqualTo("bft cluster: --byzantine names 2 replicas; the cluster tolerates f = 1");
    assertThat(work.resolve("attacked/logs")).as("no replica started").doesNotExist();
  }

  /**
   * The same path with other behaviours. The default run still meets them: every behaviour against
   * the simulated cluster (ByzantineReplicaScenariosTest), and all but flood on real processes when
   * the nemesis picks them.
   */
  @Test
  @org.junit.jupiter.api.Tag("slow") // four clusters, over a minute: run with -Pslow (README)
  void aRealClusterSurvivesAnEquivocatingPrimaryALyingReplierALyingBackupAndAFlooder() throws Exception {
    for (String attack : new String[] {"0=equivocate", "3=wrong-replies", "3=lie", "2=flood"}) {
      BftLauncher.Run r = bft("cluster", "--dir", "attacked-" + attack.charAt(0), "--operations", "3", "--demo-only", "--byzantine", attack);
      assertThat(r.exit()).as(attack + ": " + r.out() + r.err()).isZero();
      assertThat(r.out()).as(attack).contains("every result as expected");
    }
  }

  @Test
  @org.junit.jupiter.api.Tag("slow") // two minutes: run with -Pslow (README)
  void theBenchmarkSuiteRunsAndWritesItsResults() throws Exception {
    BftLauncher.Run r = bft(360, "bench", "--dir", "bench", "--clients", "2", "--attack-clients", "2", "--batch-sizes", "16",
        "--attacks", "client=bad-signature", "--warmup", "1s", "--duration", "2s");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("crypto bound for 4 replicas", "fault-free   clients    2", "batch-16",
        "under client-bad-signature", "durability async, 2 clients:", "TLS, 2 clients: ", "primary 0 (mean ms): verify ",
        "backups (mean ms): verify ", "| writer_queue ");
    List<String> rows = Files.readAllLines(work.resolve("bench/throughput.csv"));
    assertThat(rows).hasSize(6);
    assertThat(rows.get(0)).startsWith("scenario,batch_size,clients,ops,");
    assertThat(rows.get(1)).startsWith("fault-free,256,2,");
    assertThat(rows.get(2)).startsWith("batch-16,16,2,");
    assertThat(rows.get(3)).startsWith("durability-async,256,2,");
    assertThat(Files.readString(work.resolve("bench/durability-async/cluster.conf"))).contains("durability = async");
    assertThat(rows.get(4)).startsWith("tls-off,256,2,");
    assertThat(Files.readString(work.resolve("bench/tls-off/cluster.conf"))).contains("tls = off");
    assertThat(Files.readString(work.resolve("bench/tls-off/logs/replica-0.log"))).contains("TLS IS OFF");
    assertThat(rows.get(5)).startsWith("client-bad-signature,256,2,");
    assertThat(Files.readString(work.resolve("bench/client-bad-signature/logs/flood-client-1002.log")))
        .as("the flooding client ran").contains("frames sent");
    for (String row : rows.subList(1, rows.size())) {
      assertThat(Long.parseLong(row.split(",")[3])).as("operations measured in " + row).isPositive();
    }
    assertThat(Files.readAllLines(work.resolve("bench/latency-cdf.csv"))).hasSize(1001);
  }

  @Test
  void anOperatorMistakeIsOneLineAndANonZeroExit() throws Exception {
    BftLauncher.Run r = bft("keygen", "--replicas", "5", "--out", "cluster");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("bft keygen: --replicas 5 is not 3f+1 for any f >= 1 (try 4, 7 or 10)");
  }

  /** Issue 22 item 11: a replica whose key file anyone may replace does not start (whoever replaces the key acts as it). */
  @Test
  void aReplicaRefusesAWorldWritableKeyFileInOneLine() throws Exception {
    assertThat(bft("keygen", "--out", "cluster").exit()).isZero();
    Path key = work.resolve("cluster/keys/replica-0.key");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    BftLauncher.Run r = bft("replica", "--config", "cluster/cluster.conf", "--id", "0");
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString().startsWith("bft replica: ").contains("replica-0.key");
  }
}
