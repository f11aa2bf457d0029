package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.crypto.KeyFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bft bench against bftsmart=PATH}: our cluster and BFT-SMaRt's ThroughputLatency demo side
 * by side on this machine, one after the other, on the same workloads (closed-loop clients, request
 * size, replica count) with the same warm-up and window, each from a cold start. Builds BFT-SMaRt
 * from the tree or tarball given; ours runs the defaults {@code bft cluster} uses, loaded the way
 * {@code bft client load} loads it. Writes a Markdown table and a CSV with the ratios ours/theirs.
 */
@Command(name = "against", mixinStandardHelpOptions = true,
    description = "Run our cluster and BFT-SMaRt's ThroughputLatency demo side by side on the same workloads, "
        + "one after the other, and write a table of throughput, latency and CPU per operation with the ratios.")
final class AgainstCommand implements Callable<Integer> {
  static final List<String> MODES = List.of("default", "nosig");

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "bftsmart=PATH",
      description = "the peer: a BFT-SMaRt source directory (a checkout) or a .tar.gz/.tgz/.tar of one")
  String peer;

  @Option(names = "--dir", defaultValue = "bft-vs-bftsmart",
      description = "work directory: BFT-SMaRt's build, each run's files and logs, results.md and results.csv (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--replicas", split = ",", defaultValue = "4,7", description = "replica counts, each 3f+1 (default: ${DEFAULT-VALUE})")
  List<Integer> replicas;

  @Option(names = "--clients", split = ",", defaultValue = "30,100",
      description = "closed-loop clients, each with one request in flight (default: ${DEFAULT-VALUE})")
  List<Integer> clients;

  @Option(names = "--sizes", split = ",", defaultValue = "64,1024", description = "request sizes in bytes (default: ${DEFAULT-VALUE})")
  List<Integer> sizes;

  @Option(names = "--modes", split = ",", defaultValue = "default,nosig",
      description = "BFT-SMaRt's modes: default (each client request carries an ECDSA signature every replica checks) "
          + "and nosig (unsigned requests); ours always signs (default: ${DEFAULT-VALUE})")
  List<String> modes;

  @Option(names = "--warmup", defaultValue = "60s",
      description = "load before the window, for both: ours from the start of the load, BFT-SMaRt's from its client's first "
          + "completion (default: ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--window", defaultValue = "30s", description = "the measured window after the warm-up (default: ${DEFAULT-VALUE})")
  String window;

  @Override
  public Integer call() throws Exception {
    Duration warm = LoadCommand.parseDuration("--warmup", warmup);
    Duration measured = LoadCommand.parseDuration("--window", window);
    Path given = validate(measured);
    PrintWriter out = spec.commandLine().getOut();
    String header = header();
    out.print(header);
    out.flush();
    dir = dir.toAbsolutePath(); // the JVMs run in directories of their own
    Files.createDirectories(dir);
    BftSmartBuild.Built built = BftSmartBuild.prepare(given, dir.resolve("bftsmart-build"), out);
    SideBySideTable table = new SideBySideTable();
    int failed = 0;
    for (int n : replicas) {
      for (int size : sizes) {
        for (int c : clients) {
          String point = String.format(Locale.ROOT, "%d replicas, %d clients, %d B", n, c, size);
          out.printf("ours, %s: %s warm-up, %s window%n", point, warmup, window);
          out.flush();
          try {
            table.add(runOurs(n, c, size, warm, measured, dir.resolve("runs").resolve(label("ours", n, c, size))));
            out.println("  " + describe(table.rows().get(table.rows().size() - 1)));
          } catch (IllegalStateException | IllegalArgumentException | IOException e) {
            failed++;
            out.println("  failed: " + e.getMessage());
          }
          for (String mode : modes) {
            out.printf("BFT-SMaRt %s, %s: %s warm-up, %s window%n", mode, point, warmup, window);
            out.flush();
            try {
              BftSmartRun.Outcome o = BftSmartRun.run(built, new BftSmartRun.Point(n, c, size, mode), warm, measured,
                  dir.resolve("runs").resolve(label("bftsmart-" + mode, n, c, size)), out);
              table.add(row(n, c, size, "bftsmart-" + mode, o.result(), o.replicaCpuMillisPerOp()));
              out.println("  " + describe(table.rows().get(table.rows().size() - 1)));
            } catch (IllegalStateException | IllegalArgumentException | IOException e) {
              failed++;
              out.println("  failed: " + e.getMessage());
            }
          }
          write(header, table);
        }
      }
    }
    out.println();
    out.print(table.markdown());
    out.printf("%nresults: %s, %s%s%n", dir.resolve("results.md"), dir.resolve("results.csv"),
        failed == 0 ? "" : " (" + failed + " runs failed, see above)");
    return failed == 0 ? 0 : 1;
  }

  /** Checks every option before anything builds or runs; returns the peer's path. */
  private Path validate(Duration measured) {
    if (!peer.startsWith("bftsmart=") || peer.length() == "bftsmart=".length()) {
      throw new IllegalArgumentException("'" + peer + "': expected bftsmart=<directory or tarball> (BFT-SMaRt is the one peer "
          + "the harness runs)");
    }
    if (measured.isZero() || measured.isNegative()) {
      throw new IllegalArgumentException("--window " + window + ": expected a positive duration, e.g. 30s");
    }
    for (int n : replicas) {
      if (n < 4 || (n - 1) % 3 != 0) {
        throw new IllegalArgumentException("--replicas " + n + " is not 3f+1 for any f >= 1 (4, 7, 10, ...)");
      }
    }
    for (int c : clients) {
      if (c < 1 || c > 1000) {
        throw new IllegalArgumentException("--clients " + c + ": expected 1 to 1000 closed-loop clients");
      }
    }
    for (int s : sizes) {
      if (s < 13 || s > 1 << 20) {
        throw new IllegalArgumentException("--sizes " + s + ": expected a request size from 13 bytes (our smallest put) to 1 MiB");
      }
    }
    for (String m : modes) {
      if (!MODES.contains(m)) {
        throw new IllegalArgumentException("--modes " + m + ": expected default (signed requests) or nosig (unsigned)");
      }
    }
    Path given = Path.of(peer.substring("bftsmart=".length()));
    BftSmartBuild.check(given);
    return given;
  }

  /** One run of ours: a fresh cluster with the defaults, replicas started, then the load. */
  private static SideBySideTable.Row runOurs(int n, int c, int size, Duration warm, Duration measured, Path runDir)
      throws IOException, InterruptedException {
    BftSmartBuild.delete(runDir);
    Path file = ClusterKeygen.generate(runDir, (n - 1) / 3, c, "127.0.0.1", FreePorts.consecutive(2 * n), false,
        new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    Path logs = runDir.resolve("logs");
    try (LocalReplicas processes = new LocalReplicas()) {
      for (int i = 0; i < n; i++) {
        processes.start(file, i, null, logs);
      }
      int probe = cluster.clients().firstKey();
      try (BftClient client = new BftClient(cluster, probe, KeyFiles.read(ClusterKeygen.clientKeyFile(runDir, probe)), 1000)) {
        if (!ClusterCommand.awaitConnected(client, n, processes, logs, TimeUnit.MINUTES.toNanos(2))) {
          throw new IllegalStateException("a client did not reach all " + n + " replicas within 2 minutes; see " + logs);
        }
      }
      ProcessCpu cpu = new ProcessCpu(processes.replicas());
      ProcessCpu.Reading[] from = new ProcessCpu.Reading[1];
      LoadRun.Result r;
      try (LoadRun load = new LoadRun(cluster, runDir, c, size, 0)) {
        r = load.measure(c, new LoadRun.Warmup(warm, warm, () -> true), measured, false, () -> from[0] = cpu.read());
      }
      double cpuPerOp = ProcessCpu.millisPerOperation(from[0], cpu.read(), r.opsPerSecond());
      processes.checkAlive(logs);
      return row(n, c, size, SideBySideTable.OURS, r, cpuPerOp);
    }
  }

  private static SideBySideTable.Row row(int n, int c, int size, String system, LoadRun.Result r, double cpuPerOp) {
    return new SideBySideTable.Row(n, c, size, system, r.latencies().length, r.opsPerSecond(), r.millis(0.5), r.millis(0.99),
        cpuPerOp);
  }

  private static String label(String system, int n, int c, int size) {
    return system + "-n" + n + "-c" + c + "-s" + size;
  }

  private static String describe(SideBySideTable.Row r) {
    return String.format(Locale.ROOT, "%s: %.0f ops/s, p50 %.1f ms, p99 %.1f ms, replica CPU %.3f ms/op (%d operations in the window)",
        r.system(), r.opsPerSecond(), r.p50Millis(), r.p99Millis(), r.cpuMillisPerOp(), r.ops());
  }

  /** The date, the machine and the exact command, above the table. */
  private String header() {
    List<String> args = spec.root().commandLine().getParseResult().originalArgs();
    String command = "bin/bft " + args.stream().map(a -> a.matches("[\\w./=,:@+-]+") ? a : "'" + a + "'")
        .collect(Collectors.joining(" "));
    return String.format(Locale.ROOT, "date: %s%nmachine: %d cores (nproc), %s, Java %s%ncommand: %s%n"
            + "ours: bft cluster's defaults, loaded as bft client load does (signed puts); BFT-SMaRt: ThroughputLatencyServer/Client%n"
            + "each run from a cold start: %s warm-up, then a %s window%n",
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"), command, warmup, window);
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  /** Rewrites results.md and results.csv with the rows so far (an interrupted run keeps what it measured). */
  private void write(String header, SideBySideTable table) throws IOException {
    String md = "# Side by side: ours and BFT-SMaRt\n\n```\n" + header + "```\n\n" + table.markdown();
    Files.writeString(dir.resolve("results.md"), md);
    Files.writeString(dir.resolve("results.csv"), table.csv());
  }
}
