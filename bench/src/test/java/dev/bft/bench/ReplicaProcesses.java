package dev.bft.bench;

import dev.bft.core.config.ClusterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replica processes started as users start them ({@code bin/bft replica}), each logging to a file,
 * with what tests ask of them: their metrics, their resident memory, and, when a wait runs out,
 * which of them are alive and the end of their logs.
 */
final class ReplicaProcesses implements AutoCloseable {
  private final Path file;
  private final Path dir;
  private final ClusterConfig cluster;
  private final Map<Integer, Process> running = new HashMap<>();
  /** Where in its log each replica's latest process started writing. */
  private final Map<Integer, Long> logOffsets = new HashMap<>();
  private final Map<String, String> environment = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * The deadline of the tests' client operations: longer than any wait a test gives an operation
   * (up to three minutes on a busy 2-core machine), so the test's own wait reports a slow cluster.
   */
  static final Duration PATIENCE = Duration.ofMinutes(4);

  ReplicaProcesses(Path file, ClusterConfig cluster) {
    this.file = file;
    this.dir = file.getParent();
    this.cluster = cluster;
  }

  void start(int id, String... options) throws IOException {
    Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");
    List<String> command = new java.util.ArrayList<>(List.of(launcher.toString(), "replica", "--config", file.toString(),
        "--id", String.valueOf(id)));
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("replica-" + id + ".log").toFile()));
    pb.environment().put("BFT_NO_BUILD", "1");
    pb.environment().putAll(environment);
    Path log = dir.resolve("replica-" + id + ".log");
    logOffsets.put(id, Files.exists(log) ? Files.size(log) : 0L);
    running.put(id, pb.start());
  }

  /**
   * Waits (up to {@link #PATIENCE}) until every replica started says it is running, or has exited:
   * on a busy machine a replica JVM has taken over a minute to start, and that is no part of what
   * a test gives an operation.
   */
  void awaitStarted() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (Map.Entry<Integer, Process> e : running.entrySet()) {
      Path log = dir.resolve("replica-" + e.getKey() + ".log");
      long from = logOffsets.getOrDefault(e.getKey(), 0L);
      while (e.getValue().isAlive() && System.nanoTime() < deadline && !saysRunning(log, from)) {
        Thread.sleep(100);
      }
    }
  }

  private static boolean saysRunning(Path log, long from) throws IOException {
    if (!Files.exists(log)) {
      return false;
    }
    byte[] all = Files.readAllBytes(log);
    return all.length > from && new String(all, (int) from, all.length - (int) from, java.nio.charset.StandardCharsets.UTF_8)
        .contains(" running on ");
  }

  /** An environment variable for the replicas started from now on (e.g. BFT_CLASSPATH). */
  void environment(String name, String value) {
    environment.put(name, value);
  }

  void kill(int id) throws InterruptedException {
    Process p = running.remove(id);
    if (p != null) {
      p.destroyForcibly().waitFor();
    }
  }

  /** Sends replica {@code id}'s JVM a signal ({@code STOP}, {@code CONT}): a pause is a fault the process cannot see coming. */
  void signal(int id, String signal) throws IOException, InterruptedException {
    long pid = javaPid(running.get(id).toHandle());
    int status = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor();
    if (status != 0) {
      throw new IOException("kill -" + signal + " " + pid + " exited " + status);
    }
  }

  /** Whether replica {@code id}'s log has a line containing {@code text}. */
  boolean logged(int id, String text) {
    try {
      return Files.readString(dir.resolve("replica-" + id + ".log")).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** The exit status of replica {@code id} once it has exited within {@code seconds}, else null. */
  Integer exitWithin(int id, int seconds) throws InterruptedException {
    Process p = running.get(id);
    return p != null && p.waitFor(seconds, TimeUnit.SECONDS) ? p.exitValue() : null;
  }

  boolean alive(int id) {
    Process p = running.get(id);
    return p != null && p.isAlive();
  }

  /** Resident memory of replica {@code id}'s JVM, in bytes (Linux). */
  long residentBytes(int id) throws IOException {
    return status(id, "VmRSS:");
  }

  /**
   * The part of it that is the process's own (heap, native memory), not file pages such as LMDB's
   * memory map, which the kernel may drop: in bytes (Linux).
   */
  long anonymousResidentBytes(int id) throws IOException {
    return status(id, "RssAnon:");
  }

  private long status(int id, String field) throws IOException {
    long pid = javaPid(running.get(id).toHandle());
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no " + field + " for " + pid);
  }

  /** bin/bft execs java, but the launcher's shell may be the parent: the JVM is the process or its only child. */
  private static long javaPid(ProcessHandle h) {
    return h.info().command().map(c -> c.endsWith("java")).orElse(false) ? h.pid()
        : h.children().findFirst().map(ProcessHandle::pid).orElse(h.pid());
  }

  /** The value of {@code bft_frames_rejected{reason}} at replica {@code id} (0 if it has none yet). */
  long rejected(int id, String reason) throws Exception {
    return (long) metric(id, "bft_frames_rejected", "reason=\"" + reason + "\"");
  }

  /** Signatures replica {@code id} has checked, batched and alone. */
  long signaturesChecked(int id) throws Exception {
    return (long) (metric(id, "bft_signatures_checked_total", "how=\"batched\"")
        + metric(id, "bft_signatures_checked_total", "how=\"alone\""));
  }

  double metric(int id, String name, String label) throws Exception {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE).matcher(page(id));
    while (m.find()) {
      if (m.group(1).contains(label)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  /** Waits for {@code condition} up to {@code seconds}; fails with the replicas' state if it never holds. */
  void await(String what, int seconds, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + seconds + " s" + state());
      }
      Thread.sleep(100);
    }
  }

  /**
   * The future's value within {@code seconds} of every started replica running; on a timeout,
   * fails with the replicas' state.
   */
  <T> T within(CompletableFuture<T> future, int seconds) throws Exception {
    awaitStarted();
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no reply within " + seconds + " s" + state(), e);
    }
  }

  /**
   * Copies every replica's whole log and metrics page under target/failed-clusters, since the
   * cluster's directory goes with the test: a failure on CI must be readable afterwards.
   */
  private String keepEvidence() {
    try {
      Path keep = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", "failed-clusters",
          dir.getFileName() + "-" + System.currentTimeMillis()));
      for (int i = 0; i < cluster.n(); i++) {
        Path log = dir.resolve("replica-" + i + ".log");
        if (Files.exists(log)) {
          Files.copy(log, keep.resolve(log.getFileName()));
        }
        Process p = running.get(i);
        if (p != null && p.isAlive()) {
          Files.writeString(keep.resolve("replica-" + i + ".metrics"), page(i));
        }
      }
      return "\n(logs and metrics kept in " + keep + ")";
    } catch (Exception e) {
      return "\n(could not keep the logs: " + e + ")";
    }
  }

  private String page(int id) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + cluster.metricsHostOf(id) + ":"
        + cluster.replica(id).metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** View, last executed sequence and stable checkpoint, as replica {@code id} publishes them. */
  private String progress(int id) {
    try {
      return ", view " + (long) metric(id, "bft_view", "") + ", executed " + (long) metric(id, "bft_last_executed", "")
          + ", stable " + (long) metric(id, "bft_stable_checkpoint", "");
    } catch (Exception e) {
      return ", no metrics: " + e;
    }
  }

  private String state() throws IOException {
    StringBuilder why = new StringBuilder(keepEvidence());
    for (int i = 0; i < cluster.n(); i++) {
      Process p = running.get(i);
      why.append("\n--- replica ").append(i).append(p == null ? " (not running)" : p.isAlive() ? " (alive" + progress(i) + ")"
          : " (exited " + p.exitValue() + ")");
      Path log = dir.resolve("replica-" + i + ".log");
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> why.append("\n").append(l));
      }
    }
    return why.toString();
  }

  @Override
  public void close() {
    running.values().forEach(Process::destroyForcibly);
  }
}
