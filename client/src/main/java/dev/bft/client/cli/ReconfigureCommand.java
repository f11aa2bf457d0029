package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.EpochStart;
import dev.bft.core.config.Reconfiguration;
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
    description = "Enrol, remove or re-key clients of a running cluster (several changes make one new epoch); waits for the new epoch and writes its cluster file.")
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

  @Option(names = "--key-out", description = "with --add-client or --rotate-client-key: the directory its new key file goes to (default: keys/ next to the cluster file)")
  Path keyOut;

  @Option(names = "--timeout", defaultValue = "120s", description = "how long to wait for the new epoch to start (default: ${DEFAULT-VALUE})")
  String timeout;

  @ArgGroup(exclusive = false, multiplicity = "1")
  Change change;

  /** One or more changes, made together in one new epoch. */
  static final class Change {
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
    java.util.Map<Integer, Ed25519KeyPair> newKeys = new java.util.TreeMap<>();
    List<Reconfiguration.Change> changes = new ArrayList<>();
    if (change.removeClient != null) {
      changes.add(new Reconfiguration.RemoveClient(change.removeClient));
    }
    if (change.rotateClientKey != null) {
      newKeys.put(change.rotateClientKey, Ed25519KeyPair.generate(new SecureRandom()));
      changes.add(new Reconfiguration.ReplaceClientKey(change.rotateClientKey, newKeys.get(change.rotateClientKey).publicKey()));
    }
    if (change.addClient) {
      int id = Math.max(ClusterKeygen.FIRST_CLIENT_ID, current.clients().isEmpty() ? 0 : current.clients().lastKey() + 1);
      newKeys.put(id, Ed25519KeyPair.generate(new SecureRandom()));
      changes.add(new Reconfiguration.AddClient(id, newKeys.get(id).publicKey()));
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
    for (java.util.Map.Entry<Integer, Ed25519KeyPair> k : newKeys.entrySet()) {
      Files.createDirectories(keyFileOf(dir, k.getKey()).getParent());
      KeyFiles.write(keyFileOf(dir, k.getKey()), k.getValue(), true);
    }
    long started = System.nanoTime();
    EpochEnd end = end(current, sender, admins.get(0), r, wait);
    String check = checkEpoch(next, sender, admins.get(0), wait, started);
    long pauseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    String[] words = check.split(" ");
    EpochStart start = new EpochStart(Long.parseLong(words[4]), Digest.of(HexFormat.of().parseHex(words[5])));
    if (!words[6].equals(HexFormat.of().formatHex(Configurations.digest(next).bytesUnsafe()))) {
      throw new IllegalStateException("the new epoch runs another configuration than this one asked for");
    }
    Path target = out != null ? out : config;
    if (out == null) {
      Files.copy(config, config.resolveSibling(config.getFileName() + ".epoch" + current.epoch()),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(target, render(next.startingAt(start), current, dir), StandardCharsets.UTF_8);
    print.printf("epoch %d started at checkpoint %d (n = %d, f = %d, %d clients); the reconfiguration executed at %d, "
        + "%d ms from request to the new epoch answering%n", next.epoch(), start.sequence(), next.n(), next.f(),
        next.clients().size(), end.sequence(), pauseMillis);
    for (int id : newKeys.keySet()) {
      print.printf("client %d's key: %s%n", id, keyFileOf(dir, id));
    }
    print.printf("wrote %s%s%n", target, out == null ? " (the old file is " + config.getFileName() + ".epoch" + current.epoch() + ")" : "");
    return 0;
  }

  private Path keyFileOf(Path dir, int id) {
    return keyOut != null ? keyOut.resolve("client-" + id + ".key") : ClusterKeygen.clientKeyFile(dir, id);
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

  /** Asks the new epoch's replicas, as a client of that epoch, until they answer that it started (CHECK-EPOCH). */
  private static String checkEpoch(ClusterConfig next, int sender, Ed25519KeyPair key, Duration wait, long since)
      throws Exception {
    long deadline = since + wait.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (BftClient admin = new BftClient(next, sender, key, 500)) {
        byte[] answer = admin.invoke(ReconfigurationRules.CHECK_EPOCH, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        String text = new String(answer, StandardCharsets.US_ASCII);
        if (text.startsWith("epoch " + next.epoch() + " started at ")) {
          return text;
        }
        last = new IllegalStateException("the new epoch answered '" + text + "'");
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e;
      }
    }
    throw new IllegalStateException("epoch " + next.epoch() + " did not answer within the timeout: " + last);
  }

  /** The new epoch's cluster file, keeping this machine's data directory and metrics host. */
  private static String render(ClusterConfig next, ClusterConfig old, Path dir) {
    String dataDir = dir.relativize(old.dataDirectory()).toString();
    String text = ClusterFile.render(next.epoch(), next.start(), next.f(), new ArrayList<>(next.replicas().values()),
        next.clients(), next.admins(), next.adminQuorum(), next.parameters(), dataDir.isEmpty() ? "." : dataDir);
    if (!old.metricsHost().equals(ClusterConfig.DEFAULT_METRICS_HOST)) {
      text += "metrics.host = " + old.metricsHost() + "\n";
    }
    return text;
  }
}
