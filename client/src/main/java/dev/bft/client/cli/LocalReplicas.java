package dev.bft.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Replica processes of a local cluster, started with this JVM's java and class path, each logging to a file. */
final class LocalReplicas implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final List<ProcessHandle> replicas = new ArrayList<>();
  private final Thread stopOnExit = new Thread(this::destroyAll, "stop-replicas");

  LocalReplicas() {
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /** Starts replica {@code id} of the cluster in {@code file}; {@code attack} names a Byzantine behaviour or is null. */
  void start(Path file, int id, String attack, Path logs) throws IOException {
    Files.createDirectories(logs);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
    cmd.addAll(replicaJvmOptions(System.getenv("BFT_REPLICA_JAVA_OPTS")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        BftMain.class.getName(), "replica", "--config", file.toString(), "--id", String.valueOf(id)));
    if (attack != null) {
      cmd.addAll(List.of("--byzantine", attack));
    }
    Path log = logs.resolve("replica-" + id + ".log");
    Process replica = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(replica);
    replicas.add(replica.toHandle());
  }

  /** JVM options for the replica processes from the value of BFT_REPLICA_JAVA_OPTS (space-separated), e.g. for diagnostics. */
  static List<String> replicaJvmOptions(String opts) {
    return opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
  }

  /** The replica processes started so far (not the flooding clients). */
  List<ProcessHandle> replicas() {
    return List.copyOf(replicas);
  }

  /** Starts {@code bft flood-client} as {@code client} of the cluster in {@code file}, flooding every replica. */
  void startFloodingClient(Path file, int client, String kind, Path logs) throws IOException {
    Files.createDirectories(logs);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        BftMain.class.getName(), "flood-client", "--config", file.toString(), "--id", String.valueOf(client),
        "--kind", kind));
    Path log = logs.resolve("flood-client-" + client + ".log");
    processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  /** Fails with a clear message if a replica process has exited. */
  void checkAlive(Path logs) {
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IllegalStateException("a replica process exited with code " + p.exitValue() + "; see " + logs);
      }
    }
  }

  /** Waits until every replica process has exited. */
  void awaitExit() throws InterruptedException {
    for (Process p : processes) {
      p.waitFor();
    }
  }

  private void destroyAll() {
    processes.forEach(Process::destroy);
  }

  @Override
  public void close() throws InterruptedException {
    destroyAll();
    for (Process p : processes) {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
  }
}
