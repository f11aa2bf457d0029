package dev.bft.client.nemesis;

import dev.bft.client.cli.BftMain;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.config.ReplicaEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The nemesis's cluster: keys, one cluster file per dialer, a {@link LinkProxy} on every link,
 * and the replica processes, which it starts, kills, pauses and wipes on the faults' orders.
 *
 * <p>Every link goes through a proxy: replica i's file ({@code replica-i.conf}) names its own real
 * port and, for each other replica j, the port of the proxy from i to j; the clients' file
 * ({@code cluster.conf}) names the proxies from the clients. Files differ in addresses only (the
 * handshake authenticates keys, not ports). Partitioning replica r cuts every proxy into r and out
 * of r: r can neither reach nor be reached by any replica or client.
 */
final class NemesisCluster implements AutoCloseable {
  private final Path dir;
  private final ClusterConfig keys;
  private final int n;
  private final int[] realPorts;
  /** proxies[from][to]; {@code from == n} is the clients. */
  private final LinkProxy[][] proxies;
  private final Process[] processes;
  /** Where in its log each replica's latest process started writing. */
  private final long[] logOffsets;
  private final Path logs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Thread stopOnExit = new Thread(this::release, "nemesis-stop-replicas");
  /** Each replica's data on a small disk of its own, for the disk-full fault; null without it. */
  private SmallDisks disks;

  private NemesisCluster(Path dir, ClusterConfig keys, int[] realPorts, LinkProxy[][] proxies) {
    this.dir = dir;
    this.keys = keys;
    this.n = keys.n();
    this.realPorts = realPorts;
    this.proxies = proxies;
    this.processes = new Process[n];
    this.logOffsets = new long[n];
    this.logs = dir.resolve("logs");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * Creates keys for {@code n} replicas and {@code clients} clients in {@code dir} (replacing an
   * earlier run's), the files and the proxies; with {@code smallDisks}, each replica's data
   * directory on a disk of its own (see {@link SmallDisks}).
   */
  static NemesisCluster create(Path dir, int n, int clients, boolean smallDisks) throws IOException {
    SmallDisks.releaseLeftovers(dir.resolve("data")); // an earlier run that was killed may have left its disks mounted
    for (String old : List.of("data", "logs")) {
      deleteTree(dir.resolve(old));
    }
    int f = (n - 1) / 3;
    Path file = ClusterKeygen.generate(dir, f, clients, "127.0.0.1", FreePorts.consecutive(2 * n), true, new SecureRandom());
    ClusterConfig keys = ClusterFile.load(file);
    int base = FreePorts.consecutive(n + (n + 1) * n);
    int[] real = new int[n];
    LinkProxy[][] proxies = new LinkProxy[n + 1][n];
    int next = base + n;
    try {
      for (int to = 0; to < n; to++) {
        real[to] = base + to;
        for (int from = 0; from <= n; from++) {
          if (from != to) {
            proxies[from][to] = new LinkProxy((from == n ? "clients" : "r" + from) + "-r" + to, next++, real[to]);
          }
        }
      }
    } catch (IOException e) {
      for (LinkProxy[] row : proxies) {
        for (LinkProxy p : row) {
          if (p != null) {
            p.close();
          }
        }
      }
      throw e;
    }
    NemesisCluster cluster = new NemesisCluster(dir, keys, real, proxies);
    try {
      for (int from = 0; from <= n; from++) {
        cluster.writeFile(from);
      }
      if (smallDisks) {
        List<Path> dataDirs = new ArrayList<>();
        for (int id = 0; id < n; id++) {
          dataDirs.add(cluster.dataDir(id));
        }
        cluster.disks = SmallDisks.mount(dataDirs);
      }
    } catch (IOException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void writeFile(int from) throws IOException {
    List<ReplicaEndpoint> endpoints = new ArrayList<>();
    for (int to = 0; to < n; to++) {
      ReplicaEndpoint e = keys.replica(to);
      int port = to == from ? realPorts[to] : proxies[from][to].port();
      // metrics ports as keygen chose them, read directly by the nemesis (not through proxies)
      endpoints.add(new ReplicaEndpoint(to, e.host(), port, e.publicKey(), e.metricsPort()));
    }
    Files.writeString(fileOf(from), ClusterFile.render(keys.f(), endpoints, keys.clients(), keys.parameters(), "data"),
        StandardCharsets.UTF_8);
  }

  /** The cluster file of dialer {@code from} (a replica id, or n for the clients). */
  private Path fileOf(int from) {
    return from == n ? dir.resolve(ClusterKeygen.CLUSTER_FILE) : dir.resolve("replica-" + from + ".conf");
  }

  /** The clients' view of the cluster: every address a proxy from the clients. */
  ClusterConfig clientConfig() {
    return ClusterFile.load(fileOf(n));
  }

  Path dir() {
    return dir;
  }

  int n() {
    return n;
  }

  int f() {
    return keys.f();
  }

  /** Starts replica {@code id} (on its LMDB directory, if any) with extra {@code bft replica} options. */
  synchronized void start(int id, String... options) throws IOException {
    Files.createDirectories(logs);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:+ExitOnOutOfMemoryError", "--add-opens",
        "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
    String jvm = System.getenv("BFT_REPLICA_JAVA_OPTS"); // as for bin/bft cluster: options for the replica JVMs
    if (jvm != null && !jvm.isBlank()) {
      cmd.addAll(List.of(jvm.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BftMain.class.getName(), "replica", "--config",
        fileOf(id).toString(), "--id", String.valueOf(id)));
    cmd.addAll(List.of(options));
    Path log = logs.resolve("replica-" + id + ".log");
    Files.writeString(log, "=== nemesis " + LocalTime.now() + ": " + String.join(" ", cmd.subList(cmd.indexOf("replica"), cmd.size())) + "\n",
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    logOffsets[id] = Files.size(log);
    processes[id] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /**
   * Waits up to {@code timeoutMillis} until replica {@code id}'s latest process says it is running
   * (it has recovered its storage and listens); false if it did not, or exited.
   */
  boolean awaitRunning(int id, long timeoutMillis) throws InterruptedException, IOException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    String running = "replica " + id + " running on";
    while (System.nanoTime() < end) {
      long from;
      synchronized (this) {
        if (!alive(id)) {
          return false;
        }
        from = logOffsets[id];
      }
      byte[] all = Files.readAllBytes(log(id));
      if (all.length > from && new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8).contains(running)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * Waits up to {@code timeoutMillis} until replica {@code id} has executed as far as the others
   * had when the wait began (read from their metrics); true when it has, or when no other
   * replica answers. A restarted replica that still catches up is as good as absent to a quorum.
   */
  boolean awaitCaughtUp(int id, long timeoutMillis) throws InterruptedException {
    long target = -1;
    for (int other = 0; other < n; other++) {
      if (other != id) {
        target = Math.max(target, lastExecuted(other));
      }
    }
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < end) {
      if (lastExecuted(id) >= target) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** Replica {@code id}'s last executed sequence number from its metrics, or -1 when it does not answer. */
  long lastExecuted(int id) throws InterruptedException {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://" + keys.metricsHostOf(id) + ":"
          + keys.replica(id).metricsPort() + "/metrics")).timeout(Duration.ofSeconds(1)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return body.lines().filter(l -> l.startsWith("bft_last_executed"))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(-1);
    } catch (IOException | NumberFormatException e) {
      return -1; // down, paused or cut off: it cannot say
    }
  }

  /** SIGKILL, and waits for the process to be gone (its port and LMDB lock free). */
  synchronized void kill(int id) throws InterruptedException {
    Process p = processes[id];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      processes[id] = null;
    }
  }

  /** SIGTERM (the replica closes its storage and links), then SIGKILL if it has not exited in 10 s. */
  synchronized void terminate(int id) throws InterruptedException {
    Process p = processes[id];
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      processes[id] = null;
    }
  }

  synchronized void pause(int id) {
    signal(processes[id], "STOP");
  }

  synchronized void resume(int id) {
    signal(processes[id], "CONT");
  }

  private Path dataDir(int id) {
    return dir.resolve("data").resolve("replica-" + id);
  }

  /** Deletes what replica {@code id}'s LMDB directory holds (call with the replica stopped); the directory may be a mount point. */
  void wipe(int id) throws IOException {
    Path data = dataDir(id);
    if (Files.isDirectory(data)) {
      try (Stream<Path> children = Files.list(data)) {
        for (Path child : children.toList()) {
          deleteTree(child);
        }
      }
    }
  }

  /** Fills replica {@code id}'s disk; returns the bytes it took. */
  long fillDisk(int id) throws IOException {
    if (disks == null) {
      throw new IllegalStateException("the cluster was created without small disks");
    }
    return SmallDisks.fill(dataDir(id));
  }

  void drainDisk(int id) throws IOException {
    SmallDisks.drain(dataDir(id));
  }

  /** Cuts every link into and out of replica {@code id}. */
  void partition(int id) {
    forLinksOf(id, LinkProxy::cut);
  }

  void heal(int id) {
    forLinksOf(id, LinkProxy::restore);
  }

  private void forLinksOf(int id, java.util.function.Consumer<LinkProxy> action) {
    for (int other = 0; other <= n; other++) {
      if (other != id) {
        action.accept(proxies[other][id]);
        if (other < n) {
          action.accept(proxies[id][other]);
        }
      }
    }
  }

  /** Whether replica {@code id}'s process is running (a paused one is). */
  synchronized boolean alive(int id) {
    return processes[id] != null && processes[id].isAlive();
  }

  Path log(int id) {
    return logs.resolve("replica-" + id + ".log");
  }

  private static void signal(Process p, String signal) {
    if (p == null || !p.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + signal + " to replica process " + p.pid() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private synchronized void killAll() {
    for (Process p : processes) {
      if (p != null) {
        p.destroyForcibly(); // SIGKILL ends a paused process too
      }
    }
    for (Process p : processes) {
      if (p != null) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Stops every replica and unmounts their disks: at close, and when the nemesis is stopped. */
  private synchronized void release() {
    killAll();
    if (disks != null) {
      disks.close();
      disks = null;
    }
  }

  @Override
  public void close() {
    release();
    for (LinkProxy[] row : proxies) {
      for (LinkProxy p : row) {
        if (p != null) {
          p.close();
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
  }
}
