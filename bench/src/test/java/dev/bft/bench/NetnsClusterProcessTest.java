package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.netns.NetworkHosts;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four replica processes on four network hosts of their own (Linux network namespaces on one
 * bridge) and a client on a fifth, under load, while the network cuts a backup off and then the
 * primary. Every acknowledged write must read back, and the replicas that were cut off must catch
 * up. Runs where network namespaces can be made (root on Linux, as on CI); elsewhere it is skipped
 * and says why.
 */
class NetnsClusterProcessTest {
  private static final int CLIENT_HOST = 4;
  private static final Pattern STATUS_ROW = Pattern.compile("^(\\d+)\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+", Pattern.MULTILINE);

  @TempDir
  Path dir;

  @Test
  void loadAcrossHostsOutlivesACutBackupAndACutPrimaryAndBothCatchUp() throws Exception {
    String unavailable = NetworkHosts.unavailable();
    if (unavailable != null) {
      System.out.println("NetnsClusterProcessTest skipped: " + unavailable);
    }
    Assumptions.assumeTrue(unavailable == null, unavailable);
    List<HostPort> hosts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      hosts.add(new HostPort(NetworkHosts.address(i), 7000));
    }
    Path file = ClusterKeygen.generate(dir, 2, hosts, false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    Path journal = dir.resolve("acked.tsv");
    try (NetworkHosts net = NetworkHosts.create(5); ReplicaProcesses replicas = new ReplicaProcesses(file, cluster)) {
      replicas.placeOn(net::on);
      for (int i = 0; i < 4; i++) {
        replicas.start(i);
      }
      replicas.awaitStarted();
      Process probe = bft(net, dir.resolve("probe.log"), "client", "probe", "--config", file.toString(), "--journal",
          journal.toString(), "--clients", "2", "--duration", "30m", "--deadline-ms", "5000");
      try {
        awaitAcked(replicas, journal, 0, 20, "the first writes across the hosts");

        net.cut(3);
        // counted from the cut: more than log.window (256) batches go by, so replica 3 has to catch up by state transfer
        awaitAcked(replicas, journal, lines(journal), 600, "writes with backup 3 cut off");

        net.heal(3);
        int primary = primary(net, file);
        assertThat(primary).as("replica 3 is a backup").isNotEqualTo(3);
        net.cut(primary);
        // the quorum of the new view needs replica 3: it must have caught up to take part
        awaitAcked(replicas, journal, lines(journal), 200, "writes with the primary " + primary + " cut off");

        net.heal(primary);
        long[] atHeal = executed(net, file);
        long target = java.util.Arrays.stream(atHeal).max().orElseThrow();
        // with the load going on: a replica behind catches up at the next stable checkpoint, and an idle cluster makes none
        replicas.await("replicas " + primary + " and 3 catching up to sequence " + target + " (at the heal: "
            + java.util.Arrays.toString(atHeal) + ")", 180, () -> {
              long[] now = executed(net, file);
              return now[primary] >= target && now[3] >= target;
            });
        System.out.printf("NetnsClusterProcessTest: replicas %d and 3 caught up to sequence %d%n", primary, target);
      } finally {
        probe.destroy();
        probe.waitFor(30, TimeUnit.SECONDS);
      }

      Process verify = bft(net, dir.resolve("verify.log"), "client", "probe", "--verify", "--config", file.toString(),
          "--journal", journal.toString(), "--deadline-ms", "60000");
      assertThat(verify.waitFor(5, TimeUnit.MINUTES)).as("the read-back finished").isTrue();
      String report = Files.readString(dir.resolve("verify.log"));
      long lines = Files.readAllLines(journal).size();
      assertThat(report).as("every acknowledged write reads back").contains(lines + " of " + lines + " acknowledged writes read back");
      assertThat(verify.exitValue()).isZero();
    }
  }

  @Test
  void theLauncherLeavesNoHostBehindCleansUpAfterAKilledRunAndRelaysAWideAreaRoundTrip() throws Exception {
    String unavailable = NetworkHosts.unavailable();
    Assumptions.assumeTrue(unavailable == null, unavailable);
    Path cluster = dir.resolve("cluster");
    Process killed = launcher(dir.resolve("killed.log"), "cluster", "--netns", "--dir", cluster.toString(), "--operations", "2");
    List<Long> left = new ArrayList<>();
    try {
      awaitLog(dir.resolve("killed.log"), "the cluster keeps running", killed);
      String prefix = "bft" + killed.pid() + "-";
      assertThat(namespaces()).as("the run's hosts").contains(prefix + "h0", prefix + "h4", prefix + "sw");
      for (int h = 0; h < 4; h++) {
        left.addAll(pids(prefix + "h" + h));
      }
      assertThat(left).as("a replica on each host").hasSizeGreaterThanOrEqualTo(4);
    } finally {
      killed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
    }
    // the next run also puts a wide-area relay in front of each replica, on the replica's host
    Process next = launcher(dir.resolve("next.log"), "cluster", "--netns", "--rtt", "20ms", "--dir", cluster.toString(),
        "--demo-only", "--operations", "2");
    assertThat(next.waitFor(6, TimeUnit.MINUTES)).isTrue();
    String log = Files.readString(dir.resolve("next.log"));
    assertThat(log).contains("behind a relay adding 20ms round trip", "every result as expected",
        "stopped the replicas and removed their network namespaces");
    assertThat(Files.readString(cluster.resolve("logs/relay-3.log"))).contains("relay 10.77.0.4:7000 -> 127.0.0.1:7000, round trip 20 ms");
    assertThat(next.exitValue()).isZero();
    assertThat(namespaces()).as("neither run's hosts are left").noneMatch(ns -> ns.startsWith("bft" + killed.pid() + "-")
        || ns.startsWith("bft" + next.pid() + "-"));
    for (long pid : left) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("replica process " + pid).isFalse();
    }
  }

  private static Process launcher(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    return pb.start();
  }

  private static void awaitLog(Path log, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertThat(p.isAlive()).as("the launcher runs; its output: " + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
      assertThat(System.nanoTime()).as("'" + text + "' within 6 minutes").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static List<String> namespaces() throws Exception {
    return run("ip", "netns", "list").lines().map(l -> l.split("\\s+")[0]).toList();
  }

  private static List<Long> pids(String namespace) throws Exception {
    return run("ip", "netns", "pids", namespace).lines().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** Waits until the journal has {@code more} acknowledged writes beyond {@code from}. */
  private static void awaitAcked(ReplicaProcesses replicas, Path journal, long from, long more, String what) throws Exception {
    long[] count = {from};
    long start = System.nanoTime();
    replicas.await(more + " " + what, 240, () -> {
      count[0] = lines(journal);
      return count[0] >= from + more;
    });
    System.out.printf("NetnsClusterProcessTest: %d %s in %.1f s%n", count[0] - from, what, (System.nanoTime() - start) / 1e9);
  }

  private static long lines(Path journal) {
    try {
      return Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8).size() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The primary, from the view most replicas report to {@code bft status}. */
  private static int primary(NetworkHosts net, Path file) throws Exception {
    Matcher m = STATUS_ROW.matcher(status(net, file));
    List<Long> views = new ArrayList<>();
    while (m.find()) {
      views.add(Long.parseLong(m.group(2)));
    }
    assertThat(views).as("bft status reports the replicas").isNotEmpty();
    long view = views.stream().sorted().toList().get(views.size() / 2);
    return (int) (view % 4);
  }

  /** Each replica's last executed sequence number as {@code bft status} reports it (-1: unreachable). */
  private static long[] executed(NetworkHosts net, Path file) {
    long[] executed = {-1, -1, -1, -1};
    try {
      Matcher m = STATUS_ROW.matcher(status(net, file));
      while (m.find()) {
        executed[Integer.parseInt(m.group(1))] = Long.parseLong(m.group(3));
      }
    } catch (Exception e) {
      // an unreachable replica stays at -1
    }
    return executed;
  }

  private static String status(NetworkHosts net, Path file) throws Exception {
    Path out = file.resolveSibling("status.log");
    Files.deleteIfExists(out);
    Process p = bft(net, out, "status", "--config", file.toString());
    p.waitFor(2, TimeUnit.MINUTES);
    return Files.readString(out);
  }

  /** Runs {@code bin/bft} on the client's host. */
  private static Process bft(NetworkHosts net, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(net.on(CLIENT_HOST));
    command.add(Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    return pb.start();
  }
}
