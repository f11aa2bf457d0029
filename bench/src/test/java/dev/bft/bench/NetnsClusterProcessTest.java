package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.netns.NetworkHosts;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bft cluster --netns --rtt 20ms}: four replica processes on four network hosts of their
 * own (Linux network namespaces on one bridge), each behind a wide-area relay on its host, and a
 * client host, under load while the bridge cuts a backup's cable and then the primary's. Every
 * acknowledged write must read back, the replicas that were cut off must catch up, and after the
 * launcher is killed with SIGKILL nothing of the run may survive the next run's tidying. Runs where
 * network namespaces can be made (root on Linux, as on CI); elsewhere it is skipped and says why.
 */
class NetnsClusterProcessTest {
  private static final int CLIENT_HOST = 4;
  private static final Pattern STATUS_ROW = Pattern.compile("^(\\d+)\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+", Pattern.MULTILINE);
  private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");

  @TempDir
  Path dir;
  private String prefix;

  @Test
  void aClusterOnSeparateHostsOutlivesCutCablesLosesNoAcknowledgedWriteAndLeavesNothingBehind() throws Exception {
    String unavailable = NetworkHosts.unavailable();
    if (unavailable != null) {
      System.out.println("NetnsClusterProcessTest skipped: " + unavailable);
    }
    Assumptions.assumeTrue(unavailable == null, unavailable);
    Path cluster = dir.resolve("cluster");
    List<HostPort> hosts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      hosts.add(new HostPort(NetworkHosts.address(i), 7000));
    }
    // the launcher takes a cluster file it finds; this one has a short log window, so that a backup
    // cut off for a few hundred writes has to catch up by state transfer
    Path file = ClusterKeygen.generate(cluster, 2, hosts, false, new SecureRandom());
    Files.writeString(file, Files.readString(file).replace("checkpoint.interval = 128", "checkpoint.interval = 32")
        .replace("log.window = 256", "log.window = 64"));
    Path launcherLog = dir.resolve("launcher.log");
    Process launcher = bft(List.of(), launcherLog, "cluster", "--netns", "--rtt", "20ms", "--dir", cluster.toString(),
        "--operations", "2");
    prefix = "bft" + launcher.pid() + "-";
    Path journal = dir.resolve("acked.tsv");
    List<Long> left = new ArrayList<>();
    try {
      await("the demo on the client's host", 360, () -> logSays(launcherLog, "the cluster keeps running") || !launcher.isAlive());
      assertThat(Files.readString(launcherLog)).contains("behind a relay adding 20ms round trip", "every result as expected");
      assertThat(Files.readString(cluster.resolve("logs/relay-3.log")))
          .contains("relay 10.77.0.4:7000 -> 127.0.0.1:7000, round trip 20 ms");

      Process probe = bft(onHost(CLIENT_HOST), dir.resolve("probe.log"), "client", "probe", "--config", file.toString(),
          "--journal", journal.toString(), "--clients", "2", "--duration", "30m", "--deadline-ms", "5000");
      try {
        awaitAcked(journal, 0, 20, "the first writes across the hosts");

        cable(3, "down");
        // counted from the cut: more than log.window (64) batches go by
        awaitAcked(journal, lines(journal), 200, "writes with backup 3 cut off");

        cable(3, "up");
        int primary = primary(file);
        assertThat(primary).as("replica 3 is a backup").isNotEqualTo(3);
        cable(primary, "down");
        // the quorum of the new view needs replica 3: it must have caught up to take part
        awaitAcked(journal, lines(journal), 100, "writes with the primary " + primary + " cut off");

        cable(primary, "up");
        long[] atHeal = executed(file);
        long target = Arrays.stream(atHeal).max().orElseThrow();
        // with the load going on: a replica behind catches up at the next stable checkpoint, and an idle cluster makes none
        await("replicas " + primary + " and 3 catching up to sequence " + target + " (at the heal: " + Arrays.toString(atHeal) + ")",
            180, () -> {
              long[] now = executed(file);
              return now[primary] >= target && now[3] >= target;
            });
        System.out.printf("NetnsClusterProcessTest: replicas %d and 3 caught up to sequence %d%n", primary, target);
      } finally {
        probe.destroy();
        probe.waitFor(30, TimeUnit.SECONDS);
      }

      Path verifyLog = dir.resolve("verify.log");
      Process verify = bft(onHost(CLIENT_HOST), verifyLog, "client", "probe", "--verify", "--config", file.toString(),
          "--journal", journal.toString(), "--clients", "2", "--deadline-ms", "60000");
      assertThat(verify.waitFor(5, TimeUnit.MINUTES)).as("the read-back finished").isTrue();
      long written = Files.readAllLines(journal).size();
      assertThat(Files.readString(verifyLog)).as("every acknowledged write reads back")
          .contains(written + " of " + written + " acknowledged writes read back");
      assertThat(verify.exitValue()).isZero();

      for (int h = 0; h < 4; h++) {
        left.addAll(pids(prefix + "h" + h));
      }
      assertThat(left).as("a replica and a relay on each host").hasSizeGreaterThanOrEqualTo(8);
    } finally {
      launcher.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs, the hosts stay behind
    }
    assertThat(namespaces()).as("a killed run's hosts").contains(prefix + "h0", prefix + "sw");
    NetworkHosts.removeLeftovers(); // what the next --netns run does first
    assertThat(namespaces()).as("no host of the killed run").noneMatch(ns -> ns.startsWith(prefix));
    for (long pid : left) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process " + pid).isFalse();
    }
  }

  private List<String> onHost(int h) {
    return List.of("ip", "netns", "exec", prefix + "h" + h);
  }

  /** Plugs host {@code h}'s cable in or out at the bridge, as NetworkHosts names them. */
  private void cable(int h, String state) throws Exception {
    Process p = new ProcessBuilder("ip", "-n", prefix + "sw", "link", "set", "h" + h, state).inheritIO().start();
    assertThat(p.waitFor()).as("ip link set h%d %s", h, state).isZero();
  }

  /** Waits until the journal has {@code more} acknowledged writes beyond {@code from}. */
  private void awaitAcked(Path journal, long from, long more, String what) throws Exception {
    long start = System.nanoTime();
    await(more + " " + what, 240, () -> lines(journal) >= from + more);
    System.out.printf("NetnsClusterProcessTest: %d %s in %.1f s%n", lines(journal) - from, what, (System.nanoTime() - start) / 1e9);
  }

  private static long lines(Path journal) {
    try {
      return Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8).size() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The primary, from the view most replicas report to {@code bft status}. */
  private int primary(Path file) throws Exception {
    Matcher m = STATUS_ROW.matcher(status(file));
    List<Long> views = new ArrayList<>();
    while (m.find()) {
      views.add(Long.parseLong(m.group(2)));
    }
    assertThat(views).as("bft status reports the replicas").isNotEmpty();
    long view = views.stream().sorted().toList().get(views.size() / 2);
    return (int) (view % 4);
  }

  /** Each replica's last executed sequence number as {@code bft status} reports it (-1: unreachable). */
  private long[] executed(Path file) {
    long[] executed = {-1, -1, -1, -1};
    try {
      Matcher m = STATUS_ROW.matcher(status(file));
      while (m.find()) {
        executed[Integer.parseInt(m.group(1))] = Long.parseLong(m.group(3));
      }
    } catch (Exception e) {
      // an unreachable replica stays at -1
    }
    return executed;
  }

  private String status(Path file) throws Exception {
    Path out = dir.resolve("status.log");
    Files.deleteIfExists(out);
    Process p = bft(onHost(CLIENT_HOST), out, "status", "--config", file.toString());
    p.waitFor(2, TimeUnit.MINUTES);
    return Files.readString(out);
  }

  /** Waits for {@code condition}; fails with the end of the launcher's and the replicas' logs if it never holds. */
  private void await(String what, int seconds, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder why = new StringBuilder(what + " did not happen within " + seconds + " s");
        for (Path log : List.of(dir.resolve("launcher.log"), dir.resolve("cluster/logs/replica-0.log"),
            dir.resolve("cluster/logs/replica-1.log"), dir.resolve("cluster/logs/replica-2.log"), dir.resolve("cluster/logs/replica-3.log"))) {
          if (Files.exists(log)) {
            List<String> all = Files.readAllLines(log);
            why.append("\n--- ").append(log.getFileName());
            all.subList(Math.max(0, all.size() - 15), all.size()).forEach(l -> why.append("\n").append(l));
          }
        }
        throw new AssertionError(why.toString());
      }
      Thread.sleep(100);
    }
  }

  private static boolean logSays(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code bin/bft} with {@code host} in front (the words that put it on a host, or none). */
  private static Process bft(List<String> host, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(host);
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    return pb.start();
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
}
