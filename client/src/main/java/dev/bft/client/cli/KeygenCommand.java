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

  @Option(names = "--hosts", paramLabel = "H0:P0,H1:P1,...",
      description = "one address per replica, as the others reach it (a host name or address and a port); sets the number of replicas; replica i serves metrics on its port plus n")
  String hosts;

  @Option(names = "--force", description = "replace an existing cluster's files")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (clients < 0) {
      throw new IllegalArgumentException("--clients " + clients + " must not be negative");
    }
    if (hosts != null) {
      return callWithHosts();
    }
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
    Path file = ClusterKeygen.generate(out, faults, clients, host, basePort, force, new SecureRandom());
    spec.commandLine().getOut().printf("wrote %s: %d replicas (f=%d) on %s:%d..%d, %d clients; private keys in %s%n",
        file, 3 * faults + 1, faults, host, basePort, basePort + 3 * faults, clients, out.resolve("keys"));
    return 0;
  }

  private Integer callWithHosts() throws java.io.IOException {
    var parsed = spec.commandLine().getParseResult();
    for (String other : java.util.List.of("--host", "--base-port")) {
      if (parsed.hasMatchedOption(other)) {
        throw new IllegalArgumentException("--hosts names every replica's address; leave out " + other);
      }
    }
    java.util.List<dev.bft.core.config.HostPort> addresses = dev.bft.core.config.HostPort.parseList(hosts);
    int n = addresses.size();
    if (parsed.hasMatchedOption("--replicas") && replicas != n) {
      throw new IllegalArgumentException("--replicas " + replicas + " does not match the " + n + " addresses of --hosts");
    }
    if (f != null && 3 * f + 1 != n) {
      throw new IllegalArgumentException("--f " + f + " needs " + (3 * f + 1) + " addresses in --hosts, not " + n);
    }
    Path file = ClusterKeygen.generate(out, clients, addresses, force, new SecureRandom());
    spec.commandLine().getOut().printf("wrote %s: %d replicas (f=%d) at %s, %d clients; private keys in %s%n",
        file, n, (n - 1) / 3, hosts, clients, out.resolve("keys"));
    return 0;
  }
}
