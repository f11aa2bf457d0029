package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.EpochStart;
import dev.bft.core.config.Reconfiguration;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.config.ReconfigurationRules;
import dev.bft.core.protocol.EpochEnd;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import dev.bft.crypto.SignatureDomain;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft reconfigure}: changes a running cluster's configuration by a reconfiguration request
 * the administrators sign, waits until the new epoch has started, and writes its cluster file
 * (docs/reconfiguration.md).
 */
@Command(name = "reconfigure", mixinStandardHelpOptions = true,
    description = "Add, remove or replace replicas, change f, rotate keys, enrol or remove clients of a running cluster (several changes make one new epoch); waits for the new epoch and writes its cluster file.")
final class ReconfigureCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, description = "the cluster file of the current epoch")
  Path config;

  @Option(names = "--admin-key", description = "an administrator's key file; repeat it when admin.quorum asks for more "
      + "(default: keys/admin-" + ClusterKeygen.ADMIN_ID + ".key next to the cluster file)")
  List<Path> adminKeys = new ArrayList<>();

  @Option(names = "--out", description = "where to write the new epoch's cluster file (default: over --config, the old one kept as <config>.epoch<N>)")
  Path out;

  @Option(names = "--key-out", description = "the directory new key files go to (default: keys/ next to the cluster file): replica-<id>.key for a replica added or replaced, replica-<id>.key.next for a rotated one (its replica takes it up when it moves to the new epoch), client-<id>.key")
  Path keyOut;

  @Option(names = "--timeout", defaultValue = "120s", description = "how long to wait for the new epoch to start (default: ${DEFAULT-VALUE})")
  String timeout;

  @ArgGroup(exclusive = false, multiplicity = "1")
  Change change;

  /** One or more changes, made together in one new epoch. */
  static final class Change {
    @Option(names = "--add", paramLabel = "HOST:PORT", description = "add a replica listening there (the next id); repeat to add several")
    List<String> add = new ArrayList<>();

    @Option(names = "--remove", paramLabel = "ID", description = "remove replica ID (the replica with the last id takes its id); repeat to remove several")
    List<Integer> remove = new ArrayList<>();

    @Option(names = "--replace", arity = "2", paramLabel = "ID HOST:PORT", description = "replace replica ID by a new one there, with a new key (a dead machine's replacement)")
    List<String> replace = new ArrayList<>();

    @Option(names = "--rotate-key", paramLabel = "ID", description = "give replica ID a new key; it keeps its place and state")
    List<Integer> rotateKey = new ArrayList<>();

    @Option(names = "--f", paramLabel = "N", description = "the new f: replicas are added on the last replica's host, on the next free ports, or the highest ids removed, to make 3N + 1")
    Integer f;

    @Option(names = "--add-client", description = "enrol a new client (the next free id) and write its key")
    boolean addClient;

    @Option(names = "--remove-client", paramLabel = "ID", description = "remove a client: its requests are refused from the new epoch on")
    Integer removeClient;

    @Option(names = "--rotate-client-key", paramLabel = "ID", description = "give a client a new key (the old one stops working)")
    Integer rotateClientKey;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter print = spec.commandLine().getOut();
    ClusterConfig current = ClusterFile.load(config);
    Path dir = config.toAbsolutePath().getParent();
    Duration wait = LoadCommand.parseDuration("--timeout", timeout);
    if (current.admins().isEmpty()) {
      throw new IllegalArgumentException(config + " names no administrator (admin.<id>): this cluster cannot be reconfigured");
    }
    List<Ed25519KeyPair> admins = new ArrayList<>();
    for (Path k : adminKeys.isEmpty() ? List.of(ClusterKeygen.adminKeyFile(dir, ClusterKeygen.ADMIN_ID)) : adminKeys) {
      admins.add(KeyFiles.read(k));
    }
    java.util.Map<Path, Ed25519KeyPair> newKeys = new java.util.LinkedHashMap<>();
    Path keys = keyOut != null ? keyOut : ClusterKeygen.replicaKeyFile(dir, 0).getParent();
    List<Reconfiguration.Change> changes = ReplicaChanges.of(current, change, keys, newKeys);
    if (change.removeClient != null) {
      changes.add(new Reconfiguration.RemoveClient(change.removeClient));
    }
    if (change.rotateClientKey != null) {
      Ed25519KeyPair k = Ed25519KeyPair.generate(new SecureRandom());
      newKeys.put(keys.resolve("client-" + change.rotateClientKey + ".key"), k);
      changes.add(new Reconfiguration.ReplaceClientKey(change.rotateClientKey, k.publicKey()));
    }
    if (change.addClient) {
      int id = Math.max(ClusterKeygen.FIRST_CLIENT_ID, current.clients().isEmpty() ? 0 : current.clients().lastKey() + 1);
      Ed25519KeyPair k = Ed25519KeyPair.generate(new SecureRandom());
      newKeys.put(keys.resolve("client-" + id + ".key"), k);
      changes.add(new Reconfiguration.AddClient(id, k.publicKey()));
    }
    Reconfiguration r = new Reconfiguration(current.epoch(), changes, List.of());
    int sender = -1;
    for (Ed25519KeyPair k : admins) {
      int id = current.admins().entrySet().stream().filter(e -> e.getValue().equals(k.publicKey()))
          .mapToInt(java.util.Map.Entry::getKey).findFirst().orElseThrow(() ->
              new IllegalArgumentException("a key given with --admin-key is no administrator of " + config));
      r = r.approvedBy(new Reconfiguration.Approval(id, k.sign(SignatureDomain.of(Reconfiguration.APPROVAL_DOMAIN), r.approved())));
      sender = sender < 0 ? id : sender;
    }
    ClusterConfig next = r.applyTo(current); // refused here, before anything is sent, if it makes no configuration
    for (java.util.Map.Entry<Path, Ed25519KeyPair> k : newKeys.entrySet()) {
      Files.createDirectories(k.getKey().toAbsolutePath().getParent());
      if (Files.exists(k.getKey())) {
        // a replaced replica's key: kept beside, in case the reconfiguration does not go through
        Files.move(k.getKey(), k.getKey().resolveSibling(k.getKey().getFileName() + ".epoch" + current.epoch()),
            StandardCopyOption.REPLACE_EXISTING);
      }
      KeyFiles.write(k.getKey(), k.getValue(), true);
    }
    long started = System.nanoTime();
    EpochEnd end = end(current, sender, admins.get(0), r, wait);
    EpochStart start = askStart(next, sender, admins.get(0), wait, started);
    Path target = out != null ? out : config;
    if (out == null) {
      Files.copy(config, config.resolveSibling(config.getFileName() + ".epoch" + current.epoch()),
          StandardCopyOption.REPLACE_EXISTING);
    }
    // Whole or not at all: new replicas are started from this file as soon as it appears.
    Path part = target.resolveSibling(target.getFileName() + ".part");
    Files.writeString(part, render(next.startingAt(start), current, dir), StandardCharsets.UTF_8);
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    print.printf("the reconfiguration executed at %d; epoch %d starts at checkpoint %d; wrote %s%s%n", end.sequence(),
        next.epoch(), start.sequence(), target, out == null ? " (the old file is " + config.getFileName() + ".epoch"
        + current.epoch() + ")" : "");
    for (ReplicaEndpoint r2 : next.replicas().values()) {
      if (current.idOf(r2.publicKey()) < 0 && !rotated(current, next, r2)) {
        print.printf("start replica %d: bin/bft replica --config %s --id %d --key %s%n", r2.id(), target, r2.id(),
            keys.resolve("replica-" + r2.id() + ".key"));
      }
    }
    print.flush();
    checkEpoch(next, sender, admins.get(0), wait, started);
    long pauseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    print.printf("epoch %d started (n = %d, f = %d, %d clients), %d ms from request to the new epoch ordering%n",
        next.epoch(), next.n(), next.f(), next.clients().size(), pauseMillis);
    for (ReplicaEndpoint r2 : next.replicas().values()) {
      print.printf("  replica %d %s %s%n", r2.id(), r2.address(), HexFormat.of().formatHex(r2.publicKey().toBytes()));
    }
    for (Path k : newKeys.keySet()) {
      print.printf("new key: %s%n", k);
    }
    return 0;
  }

  /** Whether {@code r} is a replica whose key this reconfiguration rotated: it stays, with its state. */
  private static boolean rotated(ClusterConfig current, ClusterConfig next, ReplicaEndpoint r) {
    ReplicaEndpoint before = current.replicas().get(r.id());
    return before != null && before.host().equals(r.host()) && before.port() == r.port()
        && next.idOf(before.publicKey()) < 0;
  }

  /** Orders the reconfiguration in the current epoch and returns where it ended the epoch. */
  private static EpochEnd end(ClusterConfig current, int sender, Ed25519KeyPair key, Reconfiguration r, Duration wait)
      throws Exception {
    try (BftClient admin = new BftClient(current, sender, key, 1000)) {
      byte[] result = admin.invoke(r.encode(), wait).get(wait.toMillis() + 5000, TimeUnit.MILLISECONDS);
      EpochEnd end = EpochEnd.fromResult(result);
      if (end == null) {
        throw new IllegalArgumentException("the cluster " + new String(result, StandardCharsets.UTF_8));
      }
      return end;
    }
  }

  /**
   * Where the new epoch starts, from f' + 1 of its replicas that agree (CHECK-EPOCH, read without
   * ordering): the replicas that stay answer as soon as they have moved, before any new one runs,
   * and what they answer never changes.
   */
  private static EpochStart askStart(ClusterConfig next, int sender, Ed25519KeyPair key, Duration wait, long since)
      throws Exception {
    long left = wait.toNanos() - (System.nanoTime() - since);
    try (BftClient admin = new BftClient(next, sender, key, 500)) {
      String text = new String(admin.ask(ReconfigurationRules.CHECK_EPOCH, Duration.ofNanos(Math.max(1, left)))
          .get(Math.max(1, left) + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS), StandardCharsets.US_ASCII);
      String[] words = text.split(" ");
      if (!text.startsWith("epoch " + next.epoch() + " started at ") || words.length != 7) {
        throw new IllegalStateException("the new epoch answered '" + text + "'");
      }
      if (!words[6].equals(HexFormat.of().formatHex(Configurations.digest(next).bytesUnsafe()))) {
        throw new IllegalStateException("the new epoch runs another configuration than this one asked for");
      }
      return new EpochStart(Long.parseLong(words[4]), Digest.of(HexFormat.of().parseHex(words[5])));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("epoch " + next.epoch() + " did not say where it starts within the timeout: "
          + e.getCause().getMessage());
    }
  }

  /** Orders CHECK-EPOCH in the new epoch, as a client of it, until it answers: 2f' + 1 of its replicas run it. */
  private static void checkEpoch(ClusterConfig next, int sender, Ed25519KeyPair key, Duration wait, long since)
      throws Exception {
    long deadline = since + wait.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (BftClient admin = new BftClient(next, sender, key, 500)) {
        byte[] answer = admin.invoke(ReconfigurationRules.CHECK_EPOCH, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        String text = new String(answer, StandardCharsets.US_ASCII);
        if (text.startsWith("epoch " + next.epoch() + " started at ")) {
          return;
        }
        last = new IllegalStateException("the new epoch answered '" + text + "'");
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e;
      }
    }
    throw new IllegalStateException("epoch " + next.epoch() + " did not order a request within the timeout (are its "
        + "new replicas started?): " + last);
  }

  /**
   * The new configuration's replicas; where every old replica has a metrics port, a new one gets
   * the next port above every port in use, so that {@code bft status} reads it too.
   */
  private static List<ReplicaEndpoint> withMetrics(ClusterConfig next, ClusterConfig old) {
    List<ReplicaEndpoint> out = new ArrayList<>(next.replicas().values());
    if (old.replicas().values().stream().anyMatch(r -> r.metricsPort() <= 0)) {
      return out;
    }
    int port = 0;
    for (ReplicaEndpoint r : out) {
      port = Math.max(port, Math.max(r.port(), r.metricsPort()));
    }
    for (int i = 0; i < out.size(); i++) {
      ReplicaEndpoint r = out.get(i);
      if (r.metricsPort() <= 0) {
        out.set(i, new ReplicaEndpoint(r.id(), r.host(), r.port(), r.publicKey(), ++port));
      }
    }
    return out;
  }

  /** The new epoch's cluster file, keeping this machine's data directory and metrics host. */
  private static String render(ClusterConfig next, ClusterConfig old, Path dir) {
    String dataDir = dir.relativize(old.dataDirectory()).toString();
    String text = ClusterFile.render(next.epoch(), next.start(), next.f(), withMetrics(next, old),
        next.clients(), next.admins(), next.adminQuorum(), next.parameters(), dataDir.isEmpty() ? "." : dataDir);
    if (!old.metricsHost().equals(ClusterConfig.DEFAULT_METRICS_HOST)) {
      text += "metrics.host = " + old.metricsHost() + "\n";
    }
    return text;
  }
}
