package dev.bft.client.nemesis;

import dev.bft.client.BftClient;
import dev.bft.client.cli.BftMain;
import dev.bft.client.nemesis.FaultSchedule.Fault;
import dev.bft.client.nemesis.FaultSchedule.Kind;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvOperation;
import dev.bft.core.sim.check.LinearizabilityChecker;
import dev.bft.crypto.KeyFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bft nemesis}: real replica processes, a recorded client workload, faults on a seeded schedule, a linearizability check. */
@Command(name = "nemesis", mixinStandardHelpOptions = true,
    description = "Run a local cluster under a concurrent client workload while injecting faults on a seeded random schedule; "
        + "record every operation, check the history for linearizability and report. Exit 0: linearizable; 1: an anomaly "
        + "(or the cluster did not serve at the end); 2: setup error. See docs/nemesis.md.")
public final class NemesisCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--duration", defaultValue = "60s", description = "how long the workload and the faults run: 60s, 10m, 1h (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--replicas", defaultValue = "4", description = "replicas, 3f+1: 4 or 7 (default: ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--clients", defaultValue = "4", description = "client identities, one operation in flight each (default: ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--keys", defaultValue = "5", description = "size of the key space; small, so operations conflict (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--faults", split = ",", description = "fault kinds: kill, pause, partition, restart, wipe, byzantine, clock, "
      + "disk-full, or none (default: every kind this machine can inject; disk-full needs Linux and root)")
  List<String> faults;

  @Option(names = "--seed", description = "seed of the fault schedule and the workload (default: random, printed)")
  Long seed;

  @Option(names = "--dir", defaultValue = "bft-nemesis", description = "directory for keys, cluster files, replica data and logs, "
      + "report.txt and history.txt; an earlier run's are replaced (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--rate", defaultValue = "0", description = "operations per second across all clients; 0: each client "
      + "sends its next operation as soon as one is answered (default: ${DEFAULT-VALUE}). A bounded rate leaves a small "
      + "machine room to restart replicas quickly")
  int rate;

  @Option(names = "--op-deadline", defaultValue = "10s", description = "an operation with no answer by then is recorded as unknown (default: ${DEFAULT-VALUE})")
  String opDeadline;

  @Option(names = "--beyond-f", description = "first make f+1 replicas Byzantine together (more than the protocol tolerates); "
      + "the run should then report the violation")
  boolean beyondF;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long runMillis;
    long deadlineMillis;
    List<Kind> kinds;
    try {
      runMillis = parseDuration("--duration", duration);
      deadlineMillis = parseDuration("--op-deadline", opDeadline);
      if (replicas < 4 || (replicas - 1) % 3 != 0) {
        throw new IllegalArgumentException("--replicas " + replicas + " is not 3f+1 (try 4 or 7)");
      }
      if (clients < 1 || clients > 200 || keys < 1 || keys > 10_000) {
        throw new IllegalArgumentException("--clients must be 1..200 and --keys 1..10000");
      }
      if (rate < 0 || rate > 1_000_000) {
        throw new IllegalArgumentException("--rate must be 0 (unbounded) to 1000000 operations per second");
      }
      kinds = kinds(faults, SmallDisks::unavailable);
    } catch (IllegalArgumentException e) {
      err.println("bft nemesis: " + e.getMessage());
      return 2;
    }
    // a directory with someone's cluster in it is not ours to replace: its keys would be overwritten
    Path marker = dir.resolve(".nemesis");
    if (Files.exists(dir.resolve(ClusterKeygen.CLUSTER_FILE)) && !Files.exists(marker)) {
      err.println("bft nemesis: " + dir + " holds a cluster that an earlier nemesis run did not create; choose another --dir");
      return 2;
    }
    long runSeed = seed != null ? seed : new SecureRandom().nextLong();
    List<Fault> schedule = FaultSchedule.plan(runSeed, runMillis, replicas, (replicas - 1) / 3, kinds, beyondF);
    String replay = "bin/bft nemesis --seed " + runSeed + " --duration " + duration + " --replicas " + replicas + " --clients "
        + clients + " --keys " + keys + " --faults " + (kinds.isEmpty() ? "none" : String.join(",", kinds.stream().map(Kind::label).toList()))
        + (rate > 0 ? " --rate " + rate : "") + (beyondF ? " --beyond-f" : "");
    out.printf("nemesis: seed %d, %d replicas, %d clients, %d keys, %s, %d faults planned (%s)%n", runSeed, replicas, clients,
        keys, duration, schedule.size(), kinds.isEmpty() ? "none" : String.join(",", kinds.stream().map(Kind::label).toList()));
    out.flush();
    Files.createDirectories(dir);
    Files.writeString(marker, "a bft nemesis run's directory: the next run replaces its keys, data and logs\n");
    try (NemesisCluster cluster = NemesisCluster.create(dir, replicas, clients + 1, kinds.contains(Kind.DISK_FULL))) {
      ClusterConfig view = cluster.clientConfig();
      Faults nemesis = new Faults(cluster, schedule, out);
      for (int r = 0; r < replicas; r++) {
        cluster.start(r, nemesis.initialOptions(r).toArray(String[]::new));
      }
      int reader = view.clients().lastKey();
      for (int r = 0; r < replicas; r++) {
        // generous: on a busy 2-core machine a replica JVM has taken 50 s to start
        if (!cluster.awaitRunning(r, 300_000)) {
          err.println("bft nemesis: replica " + r + " did not start within 300 s; see " + cluster.log(r));
          return 2;
        }
      }
      String problem = awaitServing(view, reader);
      if (problem != null) {
        err.println("bft nemesis: the cluster did not start serving: " + problem + " (logs in " + dir.resolve("logs") + ")");
        return 2;
      }
      History history = new History();
      long start = System.nanoTime();
      nemesis.startClock(start);
      int unread;
      try (NemesisWorkload workload = new NemesisWorkload(view, dir, clients, keys, runSeed, deadlineMillis, history, start, rate)) {
        workload.start();
        try {
          nemesis.run();
          // the run ends quiet: at least the cool-down after the last heal, however far the schedule slipped
          long rest = runMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          Thread.sleep(Math.max(rest, schedule.isEmpty() ? 0 : FaultSchedule.COOLDOWN_MILLIS));
        } finally {
          nemesis.healAll();
          workload.stop();
        }
        out.printf("%7.1f s  workload stopped; final reads%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        unread = workload.finalReads(120_000);
        nemesis.stopWatching(); // a replica still recovering from the last fault is ended with the run, not reported
      }
      long runNanos = System.nanoTime() - start;
      List<History.Op> ops = history.ops();
      History.write(ops, dir.resolve("history.txt")); // first: kept even if the check fails
      LinearizabilityChecker.Result verdict;
      try {
        verdict = LinearizabilityChecker.check(History.toCheckerEvents(ops));
      } catch (OutOfMemoryError e) {
        // a history the checker cannot decide is not a pass; the history file is there to check again with more memory
        verdict = new LinearizabilityChecker.Result(LinearizabilityChecker.Verdict.UNDECIDED,
            "the checker ran out of memory on " + ops.size() + " operations (bft check-history with a larger -Xmx)");
      }
      String report = NemesisReport.render(ops, nemesis.injected(), verdict, unread, runNanos, replay, runSeed);
      Files.writeString(dir.resolve("report.txt"), report, StandardCharsets.UTF_8);
      out.print(report);
      out.printf("report in %s, history in %s, replica logs in %s%n", dir.resolve("report.txt"), dir.resolve("history.txt"),
          dir.resolve("logs"));
      out.flush();
      return verdict.linearizable() && unread == 0 ? 0 : 1;
    }
  }

  /** Waits up to a minute for an ordered put to succeed; null when it did, else what went wrong. */
  private String awaitServing(ClusterConfig view, int reader) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "no answer";
    while (System.nanoTime() < end) {
      try (BftClient client = new BftClient(view, reader, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, reader)), 1000)) {
        client.invoke(new KvOperation.Put("nemesis-probe".getBytes(StandardCharsets.UTF_8), new byte[] {1}).encode())
            .get(10, TimeUnit.SECONDS);
        return null;
      } catch (java.util.concurrent.TimeoutException e) {
        last = "no answer to a put within 10 s";
      } catch (java.util.concurrent.ExecutionException e) {
        last = String.valueOf(e.getCause());
      }
    }
    return last;
  }

  /**
   * The kinds asked for, or every kind this machine can inject; a kind it cannot is a setup error.
   * {@code diskFullUnavailable} says why disk-full cannot be injected here (null: it can).
   */
  static List<Kind> kinds(List<String> names, java.util.function.Supplier<String> diskFullUnavailable) {
    if (names == null || names.isEmpty()) {
      List<Kind> every = new java.util.ArrayList<>(List.of(Kind.values()));
      if (diskFullUnavailable.get() != null) {
        every.remove(Kind.DISK_FULL);
      }
      return List.copyOf(every);
    }
    if (names.size() == 1 && names.get(0).trim().equals("none")) {
      return List.of(); // the workload alone (and the colluders, with --beyond-f)
    }
    Set<Kind> chosen = new LinkedHashSet<>();
    for (String name : names) {
      Kind k = Kind.parse(name);
      if (k == Kind.DISK_FULL) {
        String why = diskFullUnavailable.get();
        if (why != null) {
          throw new IllegalArgumentException("--faults disk-full is not available here: " + why);
        }
      }
      chosen.add(k);
    }
    return List.copyOf(chosen);
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m|h)");

  /** 60s, 10m, 1h (and 500ms) in milliseconds. */
  static long parseDuration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " " + text + ": expected a number and a unit, e.g. 60s, 10m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    long millis = switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> TimeUnit.SECONDS.toMillis(n);
      case "m" -> TimeUnit.MINUTES.toMillis(n);
      default -> TimeUnit.HOURS.toMillis(n);
    };
    if (millis <= 0) {
      throw new IllegalArgumentException(option + " " + text + " must be positive");
    }
    return millis;
  }
}
