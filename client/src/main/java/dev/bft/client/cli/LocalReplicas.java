package dev.bft.client.cli;

import dev.bft.core.config.HostPort;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Replica processes of a local cluster, started with this JVM's java and class path, each logging to a file. */
final class LocalReplicas implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final List<ProcessHandle> replicas = new ArrayList<>();
  private final java.util.Map<Integer, Process> byId = new java.util.HashMap<>();
  private final Thread stopOnExit = new Thread(this::stopAll, "stop-replicas");
  /** How long stopped replicas get to exit on SIGTERM before they are killed. */
  static final long GRACE_SECONDS = 5;
  private volatile boolean restartOnFailure;
  private volatile java.util.function.IntFunction<List<String>> host = id -> List.of();
  private volatile boolean closing;

  LocalReplicas() {
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * From now on a replica process that exits with a failure is started again (it recovers from its
   * LMDB directory), as a supervisor would: a replica stops itself when one of its threads fails
   * rather than staying up doing nothing. Waits 1 s before a restart, doubling up to 30 s while it
   * keeps failing within a minute of starting.
   */
  void restartOnFailure() {
    restartOnFailure = true;
  }

  /** From now on replica i starts on the host that {@code host.apply(i)} names: the words put before its command. */
  void placeOn(java.util.function.IntFunction<List<String>> host) {
    this.host = host;
  }

  /** The command that runs {@code bft} with this JVM's java, class path and the launcher's JVM flags. */
  static List<String> javaCommand() {
    String javaPath = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(javaPath, "-XX:+ExitOnOutOfMemoryError"));
    cmd.addAll(classArchiveOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    cmd.addAll(List.of("--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), BftMain.class.getName()));
    return List.copyOf(cmd);
  }

  /** The class-data archive bin/bft gave this JVM, if any: the replicas it starts map the same classes. */
  static List<String> classArchiveOptions(List<String> jvmArguments) {
    return jvmArguments.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-Xlog:cds")).toList();
  }

  /** Starts replica {@code id} of the cluster in {@code file}; {@code attack} names a Byzantine behaviour or is null. */
  void start(Path file, int id, String attack, Path logs) throws IOException {
    start(file, id, attack, null, null, logs, 1000);
  }

  /** As above, running {@code service} (a name or class for {@code --service}; null: the default). */
  void start(Path file, int id, String attack, String service, Path logs) throws IOException {
    start(file, id, attack, service, null, logs, 1000);
  }

  /**
   * As above, listening at {@code bind} ({@code --bind}; null: the advertised address), as behind a
   * relay that listens at the advertised one.
   */
  void start(Path file, int id, String attack, String service, HostPort bind, Path logs) throws IOException {
    start(file, id, attack, service, bind, logs, 1000);
  }

  private void start(Path file, int id, String attack, String service, HostPort bind, Path logs, long nextBackoffMillis)
      throws IOException {
    Files.createDirectories(logs);
    List<String> cmd = new ArrayList<>(host.apply(id));
    List<String> bft = javaCommand();
    // the JVM options go before the class path and main class
    cmd.addAll(bft.subList(0, bft.size() - 3));
    cmd.addAll(replicaJvmOptions(System.getenv("BFT_REPLICA_JAVA_OPTS")));
    cmd.addAll(bft.subList(bft.size() - 3, bft.size()));
    cmd.addAll(List.of("replica", "--config", file.toString(), "--id", String.valueOf(id)));
    if (attack != null) {
      cmd.addAll(List.of("--byzantine", attack));
    }
    if (service != null) {
      cmd.addAll(List.of("--service", service));
    }
    if (bind != null) {
      cmd.addAll(List.of("--bind", bind.toString()));
    }
    Path log = logs.resolve("replica-" + id + ".log");
    long started = System.nanoTime();
    Process replica = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    synchronized (this) {
      processes.add(replica);
      replicas.add(replica.toHandle());
      byId.put(id, replica);
    }
    replica.onExit().thenAccept(exited -> {
      if (closing || !restartOnFailure || exited.exitValue() == 0) {
        return;
      }
      boolean quickly = System.nanoTime() - started < TimeUnit.MINUTES.toNanos(1);
      long wait = quickly ? nextBackoffMillis : 1000;
      System.err.println("replica " + id + " exited with code " + exited.exitValue() + "; restarting it in " + wait
          + " ms (see " + log + ")");
      try {
        Thread.sleep(wait);
        synchronized (this) {
          processes.remove(exited);
          replicas.remove(exited.toHandle());
          if (!closing) {
            start(file, id, attack, service, bind, logs, Math.min(30_000, wait * 2));
          }
        }
      } catch (IOException | InterruptedException e) {
        System.err.println("replica " + id + " could not be restarted: " + e.getMessage());
      }
    });
  }

  /** JVM options for the replica processes from the value of BFT_REPLICA_JAVA_OPTS (space-separated), e.g. for diagnostics. */
  static List<String> replicaJvmOptions(String opts) {
    return opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
  }

  /** The replica processes started so far (not the flooding clients). */
  synchronized List<ProcessHandle> replicas() {
    return List.copyOf(replicas);
  }

  /** SIGKILLs replica {@code id}, as a crash would; it stays down (a later {@link #checkAlive} reports it). */
  synchronized void kill(int id) {
    Process p = byId.get(id);
    if (p == null) {
      throw new IllegalArgumentException("replica " + id + " was not started here");
    }
    p.destroyForcibly();
  }

  /** Starts {@code bft flood-client} as {@code client} of the cluster in {@code file}, flooding every replica. */
  void startFloodingClient(Path file, int client, String kind, Path logs) throws IOException {
    Files.createDirectories(logs);
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.addAll(List.of("flood-client", "--config", file.toString(), "--id", String.valueOf(client), "--kind", kind));
    Path log = logs.resolve("flood-client-" + client + ".log");
    addProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  /**
   * Starts {@code bft relay} on replica {@code id}'s host: connections to {@code listen} reach
   * {@code to} with {@code rtt} (give or take {@code jitter}) added.
   */
  void startRelay(int id, HostPort listen, HostPort to, String rtt, String jitter, Path logs) throws IOException {
    Files.createDirectories(logs);
    List<String> cmd = new ArrayList<>(host.apply(id));
    cmd.addAll(javaCommand());
    cmd.addAll(List.of("relay", "--listen", listen.toString(), "--to", to.toString(), "--rtt", rtt, "--jitter", jitter));
    Path log = logs.resolve("relay-" + id + ".log");
    addProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  /**
   * Starts another program in {@code dir} (a peer system's replica or client, for a side-by-side
   * run), its output to {@code log}; it is stopped with the replicas, also on Ctrl-C.
   */
  Process startProcess(List<String> command, Path dir, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    addProcess(p);
    return p;
  }

  private synchronized void addProcess(Process p) {
    processes.add(p);
  }

  /** Fails with a clear message if a replica process has exited. */
  synchronized void checkAlive(Path logs) {
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IllegalStateException("a replica process exited with code " + p.exitValue() + "; see " + logs);
      }
    }
  }

  /** Waits until every replica process has exited. */
  void awaitExit() throws InterruptedException {
    while (true) {
      List<Process> now;
      synchronized (this) {
        now = List.copyOf(processes);
      }
      for (Process p : now) {
        p.waitFor();
      }
      synchronized (this) {
        if (processes.stream().noneMatch(Process::isAlive)) {
          return;
        }
      }
    }
  }

  /**
   * Terminates every replica, gives them {@link #GRACE_SECONDS} together to exit, then kills the
   * rest: a replica that is busy, paused or out of memory may never act on SIGTERM, and one left
   * running would hold its port and LMDB directory (seen under memory pressure: three replicas
   * outlived the launcher). Runs on close and, on SIGTERM or Ctrl-C, as a shutdown hook.
   */
  private void stopAll() {
    List<Process> all;
    synchronized (this) {
      closing = true;
      all = List.copyOf(processes);
    }
    all.forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    for (Process p : all) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
  }
}
