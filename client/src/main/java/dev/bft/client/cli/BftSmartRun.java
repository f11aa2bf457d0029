package dev.bft.client.cli;

import dev.bft.core.config.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One point of BFT-SMaRt's ThroughputLatency demo on loopback: n ThroughputLatencyServer JVMs and
 * one ThroughputLatencyClient JVM running the closed-loop clients, each JVM in a directory of its
 * own holding a fresh copy of the tree's {@code config/} (hosts.config on free ports, the replica
 * count and f set, no {@code currentView} left from an earlier run), as its runscripts run it.
 */
final class BftSmartRun {
  /** What the replicas log once they can order requests. */
  static final String READY = "Ready to process operations";
  /** The client's first identity: its latencies file is named after it. */
  static final int FIRST_CLIENT = 1001;

  /** n replicas, {@code clients} closed-loop clients of {@code size}-byte requests, in BFT-SMaRt's {@code mode}. */
  record Point(int replicas, int clients, int size, String mode) {}

  /** Throughput and latency over the window, and the replicas' CPU per operation (NaN if unknown). */
  record Outcome(LoadRun.Result result, double replicaCpuMillisPerOp) {}

  private BftSmartRun() {}

  /** hosts.config for replicas 0..n-1 on loopback: replica i takes {@code base + 2i} for clients and the next port for replicas. */
  static String hostsConfig(int n, int base) {
    return "# written by bft bench against: replica id, address, client port, replica port\n"
        + IntStream.range(0, n).mapToObj(i -> i + " 127.0.0.1 " + (base + 2 * i) + " " + (base + 2 * i + 1))
            .collect(Collectors.joining("\n", "", "\n"));
  }

  /** The tree's system.config with {@code n} replicas, f = (n-1)/3 and the initial view 0..n-1; everything else as it ships. */
  static String systemConfig(String original, int n) {
    List<String> lines = new ArrayList<>();
    for (String line : original.split("\n", -1)) {
      String key = line.split("=", 2)[0].strip();
      if (!key.equals("system.servers.num") && !key.equals("system.servers.f") && !key.equals("system.initial.view")) {
        lines.add(line);
      }
    }
    lines.add("system.servers.num = " + n);
    lines.add("system.servers.f = " + (n - 1) / 3);
    lines.add("system.initial.view = " + IntStream.range(0, n).mapToObj(String::valueOf).collect(Collectors.joining(",")));
    return String.join("\n", lines) + "\n";
  }

  /**
   * Operations each client is told to run (half of them its own warm-up, which it also logs): enough
   * that no client finishes before the window ends, at up to 20 000 operations per second in all
   * (each client holds an array of half of them for its statistics, so not many more).
   */
  static int operationsPerClient(int clients, Duration warmup, Duration window) {
    double seconds = warmup.toSeconds() + window.toSeconds() + 120;
    long ops = (long) Math.ceil(seconds * Math.max(200.0, 20_000.0 / clients));
    return (int) Math.min(Integer.MAX_VALUE - 1, ops + ops % 2);
  }

  /** Runs the point under {@code dir} (cleared first) and returns what its window measured. */
  static Outcome run(BftSmartBuild.Built built, Point point, Duration warmup, Duration window, Path dir,
                     java.io.PrintWriter out) throws IOException, InterruptedException {
    BftSmartBuild.delete(dir);
    int n = point.replicas();
    int base = FreePorts.consecutive(2 * n);
    String java = ProcessHandle.current().info().command().orElse("java");
    try (LocalReplicas processes = new LocalReplicas()) {
      List<Process> replicas = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Path home = configure(built, dir.resolve("replica-" + i), n, base);
        Path log = dir.resolve("replica-" + i + ".log");
        logs.add(log);
        replicas.add(processes.startProcess(command(java, built, BftSmartBuild.SERVER,
            List.of(String.valueOf(i), "10000", "0", "0", "false", point.mode())), home, log));
      }
      awaitReady(replicas, logs, Duration.ofMinutes(2));
      Path client = configure(built, dir.resolve("client"), n, base);
      Path clientLog = dir.resolve("client.log");
      Process load = processes.startProcess(command(java, built, BftSmartBuild.CLIENT,
          List.of(String.valueOf(FIRST_CLIENT), String.valueOf(point.clients()),
              String.valueOf(operationsPerClient(point.clients(), warmup, window)), String.valueOf(point.size()), "0", "false",
              "false", point.mode())), client, clientLog);
      Path latencies = client.resolve("latencies_" + FIRST_CLIENT + ".txt");
      // Replica CPU sampled from the client's start on; the window's figure is between the samples
      // nearest its ends. The client writes its file through a buffer (8 KiB: seconds of completions
      // at a low rate), so its first line, and the window's last, show up late: wait for them.
      ProcessCpu cpu = new ProcessCpu(replicas.stream().map(Process::toHandle).toList());
      List<long[]> samples = new ArrayList<>(); // {epoch ms, total CPU ns or -1}
      long started = System.currentTimeMillis();
      long first = -1;
      long to = Long.MAX_VALUE;
      while (true) {
        long now = System.currentTimeMillis();
        samples.add(new long[] {now, total(cpu.read())});
        alive(replicas, logs, "a BFT-SMaRt replica");
        if (first < 0) {
          first = firstCompletion(latencies);
          if (first >= 0) {
            to = first + warmup.toMillis() + window.toMillis();
            out.printf(Locale.ROOT, "  BFT-SMaRt's first completion at %tT; warm-up until %tT, window until %tT%n", first,
                first + warmup.toMillis(), to);
            out.flush();
          } else if (!load.isAlive()) {
            throw new IllegalStateException("BFT-SMaRt's client exited with code " + load.exitValue()
                + " before its first completion; see " + clientLog);
          } else if (now - started > TimeUnit.MINUTES.toMillis(2)) {
            throw new IllegalStateException("BFT-SMaRt's client completed no request within 2 minutes; see " + clientLog);
          }
        } else if (!load.isAlive() || now >= to + 2_000 && lastCompletion(latencies) >= to
            || now >= to + TimeUnit.MINUTES.toMillis(1)) {
          break; // finished, or the window is in the file (or never will be: the file says so)
        }
        Thread.sleep(first < 0 ? 100 : 250);
      }
      long from = first + warmup.toMillis();
      load.destroyForcibly();
      load.waitFor();
      if (!Files.exists(latencies)) {
        throw new IllegalStateException("BFT-SMaRt's client wrote no " + latencies + "; see " + clientLog);
      }
      BftSmartLatencies file = BftSmartLatencies.parse(Files.readString(latencies), latencies.toString());
      LoadRun.Result result;
      try {
        result = file.window(point.clients(), warmup, window);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + "; see " + clientLog);
      }
      return new Outcome(result, cpuPerOperation(samples, file, from, to));
    }
  }

  /** The JVM command for one of BFT-SMaRt's demo classes, run from a directory holding its config/. */
  private static List<String> command(String java, BftSmartBuild.Built built, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(java, "-Djava.security.properties=config/java.security",
        "-Dlogback.configurationFile=config/logback.xml", "-cp", built.classPath(), mainClass));
    cmd.addAll(args);
    return cmd;
  }

  /** A fresh {@code home}/config from the tree's, for n replicas at {@code base}. */
  private static Path configure(BftSmartBuild.Built built, Path home, int n, int base) throws IOException {
    Path config = home.resolve("config");
    try (Stream<Path> walk = Files.walk(built.config())) {
      for (Path p : walk.toList()) {
        Path target = config.resolve(built.config().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Files.deleteIfExists(config.resolve("currentView"));
    Files.writeString(config.resolve("hosts.config"), hostsConfig(n, base));
    Files.writeString(config.resolve("system.config"), systemConfig(Files.readString(config.resolve("system.config")), n));
    return home;
  }

  private static void awaitReady(List<Process> replicas, List<Path> logs, Duration most)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + most.toNanos();
    while (true) {
      alive(replicas, logs, "a BFT-SMaRt replica");
      boolean all = true;
      for (Path log : logs) {
        all &= Files.exists(log) && Files.readString(log).contains(READY);
      }
      if (all) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("BFT-SMaRt's replicas did not log '" + READY + "' within " + most.toSeconds()
            + " s; see " + logs.get(0).getParent());
      }
      Thread.sleep(200);
    }
  }

  /** The first completion's time in the client's file so far (epoch ms), or -1 if it has none yet. */
  private static long firstCompletion(Path latencies) throws IOException {
    if (!Files.exists(latencies)) {
      return -1;
    }
    BftSmartLatencies file = BftSmartLatencies.parse(Files.readString(latencies), latencies.toString());
    return file.size() == 0 ? -1 : file.firstMillis();
  }

  /** The completion time of the file's last whole line (epoch ms), or -1: read from its tail, as the file grows large. */
  static long lastCompletion(Path latencies) throws IOException {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(latencies.toFile(), "r")) {
      long length = f.length();
      byte[] tail = new byte[(int) Math.min(length, 4096)];
      f.seek(length - tail.length);
      f.readFully(tail);
      String text = new String(tail, java.nio.charset.StandardCharsets.US_ASCII);
      int end = text.lastIndexOf('\n');
      if (end < 0) {
        return -1;
      }
      String[] fields = text.substring(text.lastIndexOf('\n', end - 1) + 1, end).strip().split("\\s+");
      return fields.length == 3 ? Long.parseLong(fields[1]) : -1;
    } catch (java.io.FileNotFoundException | NumberFormatException e) {
      return -1;
    }
  }

  private static void alive(List<Process> processes, List<Path> logs, String what) {
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited with code " + p.exitValue() + "; see " + logs.get(0).getParent());
      }
    }
  }

  private static long total(ProcessCpu.Reading r) {
    long sum = 0;
    for (long c : r.cpuNanos()) {
      if (c < 0) {
        return -1;
      }
      sum += c;
    }
    return sum;
  }

  /**
   * Replica CPU (ms) per request completed between the first sample at or after {@code from} and the
   * last at or before {@code to}; NaN if the system gave no CPU figures or no request completed.
   */
  static double cpuPerOperation(List<long[]> samples, BftSmartLatencies file, long from, long to) {
    long[] start = samples.stream().filter(s -> s[0] >= from).findFirst().orElse(null);
    long[] end = null;
    for (long[] s : samples) {
      if (s[0] <= to) {
        end = s;
      }
    }
    if (start == null || end == null || end[0] <= start[0] || start[1] < 0 || end[1] < 0) {
      return Double.NaN;
    }
    long ops = file.completedBetween(start[0], end[0]);
    return ops == 0 ? Double.NaN : (end[1] - start[1]) / 1e6 / ops;
  }
}
