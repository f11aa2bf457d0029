package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.client.net.LinkDelay;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import dev.bft.crypto.SignatureDomain;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft bench}: the standard end-to-end suite on this machine. Fault-free: throughput and
 * latency against the number of closed-loop clients. Under attack: the same load with one replica
 * playing a Byzantine behaviour, as a ratio of fault-free. Beside them, the crypto bound of the
 * machine (every replica verifies every client signature once). Writes CSV files that
 * bench/scripts/plot_benchmarks.py turns into the charts of docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = AgainstCommand.class,
    description = "Run the end-to-end benchmark suite on local replica processes and write CSV results.")
final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", defaultValue = "bft-bench", description = "work directory for clusters, logs and results (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--clients", split = ",", defaultValue = "1,10,30,50,100", description = "client counts of the fault-free sweep (default: ${DEFAULT-VALUE})")
  List<Integer> clients;

  @Option(names = "--attacks", split = ",",
      defaultValue = "0=slow,0=equivocate,3=flood,client=bad-signature,client=valid",
      description = "runs under attack, one at a time: <replica>=<behaviour> (a Byzantine replica), "
          + "client=<kind> (a flooding client beside the load: bad-signature, valid, malformed), or 'none' "
          + "(default: ${DEFAULT-VALUE})")
  List<String> attacks;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,16,64",
      description = "batch.size values measured at --attack-clients besides the default 256, or 'none' (default: ${DEFAULT-VALUE})")
  List<String> batchSizes;

  @Option(names = "--durabilities", split = ",", defaultValue = "async",
      description = "durability settings measured at --attack-clients besides the default sync (docs/benchmarks.md reports "
          + "both), or 'none' (default: ${DEFAULT-VALUE})")
  List<String> durabilities;

  @Option(names = "--tls", split = ",", defaultValue = "off",
      description = "TLS settings measured at --attack-clients besides the default on, to show what TLS costs, or 'none' "
          + "(default: ${DEFAULT-VALUE})")
  List<String> tlsSettings;

  @Option(names = "--attack-clients", defaultValue = "30", description = "clients during the attack runs and the latency CDF (default: ${DEFAULT-VALUE})")
  int attackClients;

  @Option(names = "--warmup", defaultValue = "180s",
      description = "most load (at --attack-clients) before the first measurement of each cluster: it ends earlier (after at least "
          + "a quarter of this) once the replicas' JIT compilers are quiet (default: ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--duration", defaultValue = "20s", description = "measurement per point (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--rtt",
      description = "a wide-area round trip on every replica-to-replica and client-to-replica link, e.g. 40ms: each replica "
          + "listens behind a relay that delays each direction of each connection by half of it; 0: through relays that add "
          + "nothing, to see what they cost (default: no relays)")
  String rtt;

  @Option(names = "--jitter", defaultValue = "0",
      description = "with --rtt: each direction's delay varies uniformly by up to this much either way, never reordering (default: ${DEFAULT-VALUE})")
  String jitter;

  @Option(names = "--rate", split = ",",
      description = "open-loop points after the fault-free closed-loop ones: operations per second in all, arriving at random "
          + "from as many identities as the largest --clients, each timed from its arrival, e.g. 200,500")
  List<Double> rates = List.of();

  @Option(names = "--view-change", description = "after the fault-free points: kill the primary under load at --attack-clients "
      + "and time until the first operation issued after the kill completes (the new view's first commit, as the clients see it)")
  boolean viewChange;

  @Option(names = "--set", split = ",", description = "cluster parameters for every run, e.g. batch.delay.ms=5,durability=async")
  List<String> parameters = List.of();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration warm = LoadCommand.parseDuration(warmup);
    Duration measure = LoadCommand.parseDuration(duration);
    if (rtt == null && !jitter.equals("0")) {
      throw new IllegalArgumentException("--jitter " + jitter + " needs --rtt (the delay it varies)");
    }
    LinkDelay delay = rtt == null ? null : LinkDelay.parseRoundTrip(rtt, jitter);
    for (double rate : rates) {
      if (!(rate > 0) || rate > 1_000_000) {
        throw new IllegalArgumentException("--rate " + rate + ": expected operations per second, more than 0");
      }
    }
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(new Scenario("fault-free", null, List.of(), clients));
    for (String b : batchSizes) {
      if (!b.equals("none")) {
        if (!b.matches("\\d{1,5}") || Integer.parseInt(b) < 1) {
          throw new IllegalArgumentException("--batch-sizes " + b + ": expected a batch size of at least 1");
        }
        scenarios.add(new Scenario("batch-" + b, null, List.of("batch.size=" + b), List.of(attackClients)));
      }
    }
    for (String d : durabilities) {
      if (!d.equals("none")) {
        if (!d.equals("async")) {
          throw new IllegalArgumentException("--durabilities " + d + ": expected async or none (sync is every other run's)");
        }
        scenarios.add(new Scenario("durability-" + d, null, List.of("durability=" + d), List.of(attackClients)));
      }
    }
    for (String t : tlsSettings) {
      if (!t.equals("none")) {
        if (!t.equals("off")) {
          throw new IllegalArgumentException("--tls " + t + ": expected off or none (on is every other run's)");
        }
        scenarios.add(new Scenario("tls-" + t, null, List.of("tls=" + t), List.of(attackClients)));
      }
    }
    for (String a : attacks) {
      if (!a.equals("none")) {
        if (!a.matches("\\d+=[a-z-]+") && !a.matches("client=(bad-signature|valid|malformed)")) {
          throw new IllegalArgumentException("--attacks " + a
              + ": expected <replica id>=<behaviour> (e.g. 0=slow) or client=bad-signature|valid|malformed");
        }
        String name = a.startsWith("client=") ? "client-" + a.substring(7) : a.substring(a.indexOf('=') + 1);
        scenarios.add(new Scenario(name, a, List.of(), List.of(attackClients)));
      }
    }
    for (String p : parameters) {
      if (!p.matches("[a-z.]+=\\S+")) {
        throw new IllegalArgumentException("--set " + p + ": expected key=value, e.g. batch.delay.ms=5");
      }
    }
    Files.createDirectories(dir);
    double verifiesPerCore = verifiesPerCoreSecond();
    int cores = Runtime.getRuntime().availableProcessors();
    double bound = cores * verifiesPerCore / 4;
    out.printf(Locale.ROOT, "machine: %d cores, Java %s; Ed25519 verify %.0f/s per core -> crypto bound for 4 replicas on this machine %.0f ops/s%n",
        cores, System.getProperty("java.version"), verifiesPerCore, bound);
    BatchBound batchBound = BatchBound.measure();
    out.println("  " + batchBound.describe(cores, 4));
    if (delay != null) {
      out.printf("links: every replica-to-replica and client-to-replica connection through a relay, %s (relays in this process)%n",
          delay.describe());
    }
    out.flush();

    Path throughput = dir.resolve("throughput.csv");
    Path cdf = dir.resolve("latency-cdf.csv");
    Path openLoop = dir.resolve("open-loop.csv");
    Path viewChanges = dir.resolve("view-change.csv");
    // empty without relays, which is not the same as relays adding nothing (0)
    String rttMillis = delay == null ? "" : String.format(Locale.ROOT, "%.1f", delay.oneWay().multipliedBy(2).toNanos() / 1e6);
    List<String> rows = new ArrayList<>(List.of("scenario,batch_size,clients,ops,seconds,ops_per_s,p50_ms,p90_ms,p99_ms,p999_ms,crypto_bound_ops_per_s,replica_cpu_ms_per_op,load_cpu_ms_per_op,rtt_ms"));
    List<String> openRows = new ArrayList<>(List.of("scenario,batch_size,pipeline_depth,clients,rate,ops,seconds,ops_per_s,p50_ms,p90_ms,p99_ms,p999_ms,rtt_ms"));
    List<String> viewChangeRows = new ArrayList<>(List.of("scenario,clients,view,killed,new_view_first_op_ms,rtt_ms"));
    List<String> cdfRows = new ArrayList<>(List.of("percentile,latency_ms"));
    Map<String, Double> atAttackLoad = new LinkedHashMap<>();
    double[] asyncOps = {0};
    double[] batchShare = {0};
    // ops/s and replica CPU per operation at the attack load, with TLS (fault-free) and without (tls-off)
    double[] tlsOn = {0, 0};
    double[] tlsOff = {0, 0};
    for (Scenario scenario : scenarios) {
      List<Integer> counts = scenario.clients();
      int most = counts.stream().mapToInt(Integer::intValue).max().orElse(attackClients);
      Path clusterDir = dir.resolve(scenario.name());
      // One client more than the load uses: the flooding client plays the last one.
      RelayedCluster relayed = delay == null ? null : RelayedCluster.plan(4);
      ClusterConfig cluster = newCluster(clusterDir, Math.max(most, attackClients) + 1, scenario.settings(), relayed);
      Path logs = clusterDir.resolve("logs");
      try (RelayedCluster relays = relayed == null ? null : relayed.start(delay); LocalReplicas replicas = new LocalReplicas()) {
        String attack = scenario.attack();
        boolean clientAttack = attack != null && attack.startsWith("client=");
        int attacker = attack == null || clientAttack ? -1 : Integer.parseInt(attack.substring(0, attack.indexOf('=')));
        for (int i = 0; i < cluster.n(); i++) {
          replicas.start(clusterDir.resolve(ClusterKeygen.CLUSTER_FILE), i, i == attacker ? scenario.name() : null, null,
              relays == null ? null : relays.bind(i), logs);
        }
        if (clientAttack) {
          replicas.startFloodingClient(clusterDir.resolve(ClusterKeygen.CLUSTER_FILE), cluster.clients().lastKey(),
              attack.substring(7).replace('-', '_').toUpperCase(Locale.ROOT), logs);
        }
        int probe = cluster.clients().firstKey();
        try (BftClient c = new BftClient(cluster, probe, KeyFiles.read(ClusterKeygen.clientKeyFile(clusterDir, probe)), 1000)) {
          ClusterCommand.awaitConnected(c, cluster.n(), replicas, logs, java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
        }
        // Warmed up at the attack load whatever the first point's: the JIT compiles what runs
        // while it warms, and a cluster warmed by one client measured 30 well below one warmed by 30.
        // The identities of every point connect now and stay connected (see LoadRun).
        try (LoadRun load = new LoadRun(cluster, clusterDir, Math.max(most, attackClients), 64, 0)) {
          LoadRun.Result warmedUp = load.measure(attackClients,
              new LoadRun.Warmup(warm.dividedBy(4), warm, new JitSettled(cluster)), Duration.ofSeconds(1), false, () -> {});
          replicas.checkAlive(logs);
          ProcessCpu replicaCpu = new ProcessCpu(replicas.replicas());
          ProcessCpu loadCpu = new ProcessCpu(List.of(ProcessHandle.current()));
          SignatureChecks checks = new SignatureChecks(cluster, JitSettled.MetricsReader.overHttp(cluster));
          StageTimes stages = new StageTimes(cluster, JitSettled.MetricsReader.overHttp(cluster));
          for (int n : counts) {
            LoadRun.Warmup w = new LoadRun.Warmup(Duration.ofSeconds(5), Duration.ofSeconds(5), () -> true);
            ProcessCpu.Reading[] from = new ProcessCpu.Reading[2];
            SignatureChecks.Reading[] checked = new SignatureChecks.Reading[1];
            StageTimes.Reading[] staged = new StageTimes.Reading[1];
            LoadRun.Result r = load.measure(n, w, measure, false, () -> {
              from[0] = replicaCpu.read();
              from[1] = loadCpu.read();
              checked[0] = checks.read();
              staged[0] = stages.read();
            });
            SignatureChecks.Reading checkedAfter = checks.read();
            String signatures = SignatureChecks.describe(checked[0], checkedAfter);
            double equation = SignatureChecks.meanEquation(checked[0], checkedAfter);
            double batchOps = equation > 0 ? batchBound.opsPerSecond(cores, cluster.n(), equation) : 0;
            String stageTimes = StageTimes.describe(staged[0], stages.read(), cluster.n(), attacker);
            double replicaMillis = ProcessCpu.millisPerOperation(from[0], replicaCpu.read(), r.opsPerSecond());
            double loadMillis = ProcessCpu.millisPerOperation(from[1], loadCpu.read(), r.opsPerSecond());
            replicas.checkAlive(logs);
            rows.add(String.format(Locale.ROOT, "%s,%d,%d,%d,%.1f,%.0f,%.2f,%.2f,%.2f,%.2f,%.0f,%.3f,%.3f,%s", scenario.name(),
                cluster.parameters().batchSize(), n,
                r.latencies().length, r.seconds(), r.opsPerSecond(), r.millis(0.5), r.millis(0.9), r.millis(0.99),
                r.millis(0.999), bound, replicaMillis, loadMillis, rttMillis));
            out.printf(Locale.ROOT, "%-12s clients %4d  %8.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  "
                    + "cpu/op %.3f ms replicas + %.3f ms load  (after %.0f s of warm-up at %d clients)%n",
                scenario.name(), n, r.opsPerSecond(), r.millis(0.5), r.millis(0.99), r.millis(0.999),
                replicaMillis, loadMillis, warmedUp.warmupSeconds() + r.warmupSeconds(), attackClients);
            if (!signatures.isEmpty()) {
              out.printf("%-12s %s%n", "", signatures);
            }
            if (batchOps > 0) {
              out.printf(Locale.ROOT, "%-12s batch bound at equations of %.1f: %.0f ops/s; this point %.0f%% of it%n", "",
                  equation, batchOps, 100 * r.opsPerSecond() / batchOps);
            }
            for (String line : stageTimes.lines().toList()) {
              out.printf("%-12s %s%n", "", line);
            }
            out.flush();
            if (scenario.name().equals("durability-async")) {
              asyncOps[0] = r.opsPerSecond();
            }
            if (n == attackClients && (scenario.name().equals("fault-free") || scenario.name().equals("tls-off"))) {
              double[] point = scenario.name().equals("tls-off") ? tlsOff : tlsOn;
              point[0] = r.opsPerSecond();
              point[1] = replicaMillis;
            }
            if (n == attackClients && scenario.name().equals("fault-free")) {
              batchShare[0] = batchOps;
            }
            if (n == attackClients && scenario.settings().isEmpty()) {
              atAttackLoad.put(scenario.name(), r.opsPerSecond());
              if (attack == null) {
                for (int p = 1; p <= 1000; p++) {
                  double q = p / 1000.0;
                  cdfRows.add(String.format(Locale.ROOT, "%.3f,%.3f", q, r.millis(Math.min(q, 0.9999))));
                }
              }
            }
          }
          int identities = load.connected();
          for (double rate : scenario.name().equals("fault-free") ? rates : List.<Double>of()) {
            LoadRun.Result r = load.measure(identities, rate, new LoadRun.Warmup(Duration.ofSeconds(5), Duration.ofSeconds(5), () -> true),
                measure, false, () -> {});
            replicas.checkAlive(logs);
            openRows.add(String.format(Locale.ROOT, "%s,%d,%d,%d,%.0f,%d,%.1f,%.0f,%.2f,%.2f,%.2f,%.2f,%s", scenario.name(),
                cluster.parameters().batchSize(), cluster.parameters().pipelineDepth(), identities, rate, r.latencies().length,
                r.seconds(), r.opsPerSecond(), r.millis(0.5), r.millis(0.9), r.millis(0.99), r.millis(0.999), rttMillis));
            out.printf(Locale.ROOT, "%-12s open loop %6.0f ops/s offered from %d clients: %8.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms%n",
                scenario.name(), rate, identities, r.opsPerSecond(), r.millis(0.5), r.millis(0.99), r.millis(0.999));
            out.flush();
          }
        }
        if (viewChange && scenario.name().equals("fault-free")) {
          ViewChangeTiming.Result v = ViewChangeTiming.measure(cluster, clusterDir, attackClients, replicas, logs, Duration.ofSeconds(5));
          viewChangeRows.add(String.format(Locale.ROOT, "%s,%d,%d,%d,%.0f,%s", scenario.name(), attackClients, v.view(), v.killed(),
              v.millis(), rttMillis));
          out.printf(Locale.ROOT, "%-12s view change: primary %d of view %d killed under %d clients; %s%n", scenario.name(),
              v.killed(), v.view(), attackClients, v.millis() < 0 ? "no operation issued after the kill completed within "
                  + ViewChangeTiming.MOST.toSeconds() + " s"
                  : String.format(Locale.ROOT, "the first operation issued after the kill completed %.0f ms after it", v.millis()));
          v.replicaLines().forEach(l -> out.printf("%-12s   %s%n", "", l.strip()));
          out.flush();
        }
      }
      Files.write(throughput, rows);
      Files.write(cdf, cdfRows);
      if (!rates.isEmpty()) {
        Files.write(openLoop, openRows);
      }
      if (viewChange) {
        Files.write(viewChanges, viewChangeRows);
      }
    }
    out.println();
    Double base = atAttackLoad.get("fault-free");
    if (base != null) {
      out.printf(Locale.ROOT, "fault-free, %d clients: %.0f ops/s = %.0f%% of the crypto bound %.0f%s%n",
          attackClients, base, 100 * base / bound, bound, batchShare[0] > 0
              ? String.format(Locale.ROOT, ", %.0f%% of the batch bound %.0f", 100 * base / batchShare[0], batchShare[0]) : "");
      // The bound in CPU terms: the machine's cores spread over the operations the bound allows.
      out.printf(Locale.ROOT, "  (60%% of the bound leaves %.3f ms of CPU per operation for replicas and load together)%n",
          cores * 1000.0 / (0.6 * bound));
      if (asyncOps[0] > 0) {
        out.printf(Locale.ROOT, "durability async, %d clients: %.0f ops/s = %.0f%% of the crypto bound, %.2fx sync%n",
            attackClients, asyncOps[0], 100 * asyncOps[0] / bound, asyncOps[0] / base);
      }
      if (tlsOff[0] > 0) {
        out.printf(Locale.ROOT, "TLS, %d clients: %.0f ops/s on vs %.0f off (%.2fx), replica CPU %.3f vs %.3f ms/op (+%.0f%%)%n",
            attackClients, tlsOn[0], tlsOff[0], tlsOn[0] / tlsOff[0], tlsOn[1], tlsOff[1], 100 * (tlsOn[1] / tlsOff[1] - 1));
      }
      atAttackLoad.forEach((name, ops) -> {
        if (!name.equals("fault-free")) {
          out.printf(Locale.ROOT, "under %-12s %.0f ops/s = %.0f%% of fault-free%n", name, ops, 100 * ops / base);
        }
      });
    }
    if (!rates.isEmpty() || viewChange) {
      out.printf("open-loop points and view changes: %s%n", rates.isEmpty() ? viewChanges : viewChange ? openLoop + ", " + viewChanges : openLoop);
    }
    out.printf("results: %s, %s (charts: python3 bench/scripts/plot_benchmarks.py %s docs/benchmarks)%n", throughput, cdf, dir);
    return 0;
  }

  /** One cluster of the suite: an attack ({@code replica=behaviour}) or null, and its own parameters (after --set's). */
  private record Scenario(String name, String attack, List<String> settings, List<Integer> clients) {}

  /** A fresh cluster directory with {@code own} settings after --set's; with {@code relayed}, its file advertises the relays. */
  private ClusterConfig newCluster(Path clusterDir, int clientCount, List<String> own, RelayedCluster relayed) throws Exception {
    if (Files.exists(clusterDir)) {
      try (var walk = Files.walk(clusterDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Path file = relayed != null ? ClusterKeygen.generate(clusterDir, clientCount, relayed.advertised(), false, new SecureRandom())
        : ClusterKeygen.generate(clusterDir, 1, clientCount, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    List<String> settings = new ArrayList<>(parameters);
    settings.addAll(own);
    if (!settings.isEmpty()) {
      List<String> lines = new ArrayList<>(Files.readAllLines(file));
      for (String p : settings) {
        String[] kv = p.split("=", 2);
        lines.removeIf(l -> l.startsWith(kv[0].trim() + " ") || l.startsWith(kv[0].trim() + "="));
        lines.add(kv[0].trim() + " = " + kv[1].trim());
      }
      Files.write(file, lines);
    }
    return ClusterFile.load(file);
  }

  /** Single-thread Ed25519 verifications per second of a signed 64-byte message, after a short warm-up. */
  static double verifiesPerCoreSecond() {
    Ed25519KeyPair key = Ed25519KeyPair.generate(new SecureRandom());
    byte[] message = new byte[64];
    SignatureDomain domain = SignatureDomain.of(1);
    byte[] signature = key.sign(domain, message);
    long end = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < end) {
      key.publicKey().verify(domain, message, signature);
    }
    int count = 0;
    long start = System.nanoTime();
    end = start + 3_000_000_000L;
    while (System.nanoTime() < end) {
      if (!key.publicKey().verify(domain, message, signature)) {
        throw new IllegalStateException("a fresh signature did not verify");
      }
      count++;
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }
}
