package dev.bft.client.cli;

import dev.bft.core.config.ClusterKeygen;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bft keygen}: a new cluster file and one private key file per replica and client. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Generate keys and a cluster file for a new cluster.")
final class KeygenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--replicas", description = "number of replicas, 3f+1 (default: ${DEFAULT-VALUE})", defaultValue = "4")
  int replicas;

  @Option(names = "--f", description = "faults tolerated; implies --replicas 3f+1")
  Integer f;

  @Option(names = "--clients", description = "number of client identities (default: ${DEFAULT-VALUE})", defaultValue = "1")
  int clients;

  @Option(names = "--out", required = true, description = "directory to write cluster.conf and keys/ into")
  Path out;

  @Option(names = "--host", description = "host the replicas listen on (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--base-port", description = "port of replica 0; replica i uses base+i (default: ${DEFAULT-VALUE})",
      defaultValue = "7000")
  int basePort;

  @Option(names = "--force", description = "replace an existing cluster's files")
  boolean force;

  @Override
  public Integer call() throws Exception {
    int faults;
    if (f != null) {
      if (f < 1) {
        throw new IllegalArgumentException("--f " + f + ": a cluster tolerates at least 1 fault");
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--replicas") && replicas != 3 * f + 1) {
        throw new IllegalArgumentException("--replicas " + replicas + " does not match --f " + f + " (needs " + (3 * f + 1) + ")");
      }
      faults = f;
    } else {
      if (replicas < 4 || (replicas - 1) % 3 != 0) {
        throw new IllegalArgumentException("--replicas " + replicas + " is not 3f+1 for any f >= 1 (try 4, 7 or 10)");
      }
      faults = (replicas - 1) / 3;
    }
    if (clients < 0) {
      throw new IllegalArgumentException("--clients " + clients + " must not be negative");
    }
    Path file = ClusterKeygen.generate(out, faults, clients, host, basePort, force, new SecureRandom());
    spec.commandLine().getOut().printf("wrote %s: %d replicas (f=%d) on %s:%d..%d, %d clients; private keys in %s%n",
        file, 3 * faults + 1, faults, host, basePort, basePort + 3 * faults, clients, out.resolve("keys"));
    return 0;
  }
}
