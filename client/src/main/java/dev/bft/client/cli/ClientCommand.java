package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bft client put|get|delete|cas ...}: one key-value operation against a running cluster. */
@Command(name = "client", mixinStandardHelpOptions = true, subcommands = {LoadCommand.class, ProbeCommand.class},
    description = "Send one key-value operation: put KEY VALUE | get KEY | delete KEY | cas KEY EXPECTED|- NEW; or 'load'")
final class ClientCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", description = "the cluster file")
  Path config;

  @Option(names = "--id", defaultValue = "1000", description = "client id (default: ${DEFAULT-VALUE})")
  int id;

  @Option(names = "--key", description = "private key file (default: keys/client-<id>.key next to the cluster file)")
  Path key;

  @Option(names = {"--deadline-ms", "--timeout-ms"}, defaultValue = "10000",
      description = "give up after this long: exit status 3 if the operation may have executed, 4 if it did not (default: ${DEFAULT-VALUE})")
  long timeoutMs;

  @Parameters(arity = "0..4", description = "the operation and its arguments")
  List<String> words;

  @Override
  public Integer call() throws Exception {
    if (config == null || words == null) {
      throw new IllegalArgumentException("usage: bft client --config FILE put|get|delete|cas ...  or  bft client load --config FILE ...");
    }
    KvOperation op = parse(words);
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("--deadline-ms " + timeoutMs + " is not positive");
    }
    ClusterConfig cluster = ClusterFile.load(config);
    Path keyFile = key != null ? key : ClusterKeygen.clientKeyFile(config.toAbsolutePath().getParent(), id);
    try (BftClient client = new BftClient(cluster, id, readKey(keyFile, id), 1000)) {
      KvResult r = KvResult.decode(client.invoke(op.encode(), java.time.Duration.ofMillis(timeoutMs)).join());
      spec.commandLine().getOut().println(describe(r));
      return r.status() == KvResult.Status.ERROR ? 1 : 0;
    }
  }

  /** Client {@code id}'s private key, or a one-line error naming the file and how to get one. */
  static dev.bft.crypto.Ed25519KeyPair readKey(Path file, int id) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no key for client " + id + " at " + file
          + " (bft keygen writes keys/client-<id>.key beside the cluster file; or pass --key FILE)");
    }
    try {
      return KeyFiles.read(file);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is not a client key file: " + e.getMessage());
    }
  }

  static KvOperation parse(List<String> w) {
    if (w.isEmpty()) {
      throw new IllegalArgumentException("no operation given (put, get, delete, cas)");
    }
    if (w.size() < 2 && List.of("put", "get", "delete", "cas").contains(w.get(0))) {
      throw new IllegalArgumentException(w.get(0) + " needs a key");
    }
    byte[] k = w.size() > 1 ? bytes(w.get(1)) : null;
    return switch (w.get(0)) {
      case "put" -> { arity(w, 3); yield new KvOperation.Put(k, bytes(w.get(2))); }
      case "get" -> { arity(w, 2); yield new KvOperation.Get(k); }
      case "delete" -> { arity(w, 2); yield new KvOperation.Delete(k); }
      case "cas" -> { arity(w, 4); yield new KvOperation.Cas(k, w.get(2).equals("-") ? null : bytes(w.get(2)), bytes(w.get(3))); }
      default -> throw new IllegalArgumentException("unknown operation '" + w.get(0) + "' (put, get, delete, cas)");
    };
  }

  private static void arity(List<String> w, int n) {
    if (w.size() != n) {
      throw new IllegalArgumentException(w.get(0) + " takes " + (n - 1) + " argument(s), got " + (w.size() - 1));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String describe(KvResult r) {
    return switch (r.status()) {
      case OK -> "ok";
      case VALUE -> new String(r.value(), StandardCharsets.UTF_8);
      case ABSENT -> "(absent)";
      case CAS_FAILED -> "cas failed; current value: " + (r.value() == null ? "(absent)" : new String(r.value(), StandardCharsets.UTF_8));
      case ERROR -> "error: " + new String(r.value(), StandardCharsets.UTF_8);
    };
  }
}
