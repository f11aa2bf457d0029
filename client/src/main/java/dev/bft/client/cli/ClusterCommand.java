package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.HostPort;
import dev.bft.client.netns.NetworkHosts;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft cluster}: a real local cluster. Creates keys and a cluster file on free ports if the
 * directory has none, starts one replica process per replica, runs a client through a series of
 * signed key-value operations against it, prints what it got, and stops the replicas.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Start a local cluster of replica processes and run a client against it.")
final class ClusterCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", defaultValue = "bft-local", description = "cluster directory (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--replicas", defaultValue = "4", description = "replicas when creating the cluster (default: ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--operations", defaultValue = "20", description = "puts (and as many gets) the kv demo runs, transfers the ledger demo runs (default: ${DEFAULT-VALUE})")
  int operations;

  @Option(names = "--byzantine", split = ",", description = "replicas that play an attack, e.g. 3=lie or 0=equivocate (at most f)")
  List<String> byzantine = List.of();

  @Option(names = "--service", defaultValue = dev.bft.core.service.Services.DEFAULT,
      description = "the replicated service: kv, ledger or a class name on the classpath (default: ${DEFAULT-VALUE}); the demo client runs for kv and ledger")
  String service;

  @Option(names = "--demo-only", description = "stop the replicas and exit after the demo client (default: keep the cluster running until Ctrl-C)")
  boolean demoOnly;

  @Option(names = "--netns", description = "Linux, root: each replica on a host of its own (a network namespace with its own address on a private bridge), the demo client on another")
  boolean netns;

  @Option(names = "--rtt", description = "with --netns: a wide-area round trip on every link, e.g. 40ms (a bft relay in front of each replica; docs/benchmarks.md)")
  String rtt;

  @Option(names = "--jitter", defaultValue = "0", description = "with --rtt: each direction's delay varies by up to this much either way, e.g. 5ms (default: ${DEFAULT-VALUE})")
  String jitter;

  /** Runs only the demo client, against replicas started by another process: how --netns runs its client on a host of its own. */
  @Option(names = "--demo-client", hidden = true)
  boolean demoClient;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    dev.bft.core.service.Services.find(service); // an unknown name fails here, before any process starts
    String noNamespaces = netns ? NetworkHosts.unavailable() : null;
    if (noNamespaces != null) {
      throw new IllegalArgumentException("--netns: " + noNamespaces);
    }
    if (rtt != null) {
      if (!netns) {
        throw new IllegalArgumentException("--rtt needs --netns, where a relay can stand in front of each replica (on loopback: bft bench --rtt)");
      }
      dev.bft.client.net.LinkDelay.parseRoundTrip(rtt, jitter); // a bad value fails here, before any process starts
    }
    Path file = dir.resolve(ClusterKeygen.CLUSTER_FILE);
    if (demoClient) {
      return runDemo(ClusterFile.load(file), null, dir.resolve("logs"), out);
    }
    if (!Files.exists(file)) {
      if (replicas < 4 || (replicas - 1) % 3 != 0) {
        throw new IllegalArgumentException("--replicas " + replicas + " is not 3f+1 for any f >= 1");
      }
      if (netns) {
        List<HostPort> hosts = new java.util.ArrayList<>();
        for (int i = 0; i < replicas; i++) {
          hosts.add(new HostPort(NetworkHosts.address(i), NETNS_PORT));
        }
        ClusterKeygen.generate(dir, 1, hosts, false, new SecureRandom());
      } else {
        ClusterKeygen.generate(dir, (replicas - 1) / 3, 1, "127.0.0.1", dev.bft.core.config.FreePorts.consecutive(2 * replicas), false, new SecureRandom());
      }
      out.println("created " + file);
    }
    ClusterConfig cluster = ClusterFile.load(file);
    if (netns) {
      for (int i = 0; i < cluster.n(); i++) {
        if (!cluster.replica(i).host().equals(NetworkHosts.address(i))) {
          throw new IllegalArgumentException("--netns puts replica " + i + " at " + NetworkHosts.address(i) + ", but " + file
              + " has it at " + cluster.replica(i).address() + "; use a new --dir for a cluster on separate hosts");
        }
      }
    }
    java.util.Map<Integer, String> attacks = new java.util.HashMap<>();
    for (String b : byzantine) {
      String[] parts = b.split("=", 2);
      try {
        int id = Integer.parseInt(parts[0].trim());
        if (parts.length != 2 || !cluster.replicas().containsKey(id)) {
          throw new NumberFormatException();
        }
        attacks.put(id, parts[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--byzantine " + b + ": expected <replica id>=<behaviour>, e.g. 3=lie");
      }
    }
    if (attacks.size() > cluster.f()) {
      throw new IllegalArgumentException("--byzantine names " + attacks.size() + " replicas; the cluster tolerates f = " + cluster.f());
    }
    Path logs = dir.resolve("logs");
    NetworkHosts net = netns ? NetworkHosts.create(cluster.n() + 1) : null;
    try (LocalReplicas processes = new LocalReplicas()) {
      processes.restartOnFailure();
      if (net != null) {
        processes.placeOn(net::on);
      }
      for (int i = 0; i < cluster.n(); i++) {
        HostPort bind = null;
        if (rtt != null) {
          // the relay takes the advertised address; the replica listens behind it on its host's loopback
          HostPort advertised = new HostPort(cluster.replica(i).host(), cluster.replica(i).port());
          bind = new HostPort("127.0.0.1", advertised.port());
          processes.startRelay(i, advertised, bind, rtt, jitter, logs);
        }
        processes.start(file, i, attacks.get(i), service, bind, logs);
      }
      out.printf("started %d replica processes (f=%d) on %s..%s%s; logs in %s%s%n", cluster.n(), cluster.f(),
          cluster.replica(0).address(), cluster.replica(cluster.n() - 1).address(),
          net == null ? "" : ", each in network namespace " + net.namespace(0).replace("h0", "h<id>")
              + (rtt == null ? "" : " behind a relay adding " + rtt + " round trip"), logs,
          attacks.isEmpty() ? "" : "; Byzantine: " + attacks);
      out.flush();
      int result = net == null ? runDemo(cluster, processes, logs, out) : runDemoOnHost(net, cluster.n(), logs, out);
      if (demoOnly) {
        return result;
      }
      String client = net == null ? "bin/bft" : "ip netns exec " + net.namespace(cluster.n()) + " bin/bft";
      // A demo that went wrong leaves the cluster up: its replicas' state and logs are what to look at.
      out.printf("%sthe cluster keeps running%s   (Ctrl-C stops it)%n",
          result == 0 ? "" : "the demo did not go as expected (above); logs in " + logs + "; ",
          service.startsWith("kv") ? "; try: " + client + " client --config " + file + " get key-1" : "");
      out.flush();
      processes.awaitExit();
      return 0;
    } finally {
      if (net != null) {
        net.close();
      }
      out.println("stopped the replicas" + (net == null ? "" : " and removed their network namespaces"));
      out.flush();
    }
  }

  /** The port every replica listens on with --netns: each has an address of its own. */
  static final int NETNS_PORT = 7000;

  private int runDemo(ClusterConfig cluster, LocalReplicas processes, Path logs, PrintWriter out) throws Exception {
    int clientId = cluster.clients().firstKey();
    try (BftClient client = new BftClient(cluster, clientId, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, clientId)), 1000)) {
      client.defaultDeadline(DEMO_DEADLINE);
      if (!awaitConnected(client, cluster.n(), processes, logs, TimeUnit.SECONDS.toNanos(10))) {
        out.printf("waiting for every replica to start (connected to %d of %d; a busy machine starts JVMs slowly)%n",
            client.connectedReplicas(), cluster.n());
        out.flush();
        awaitConnected(client, cluster.n(), processes, logs, TimeUnit.MINUTES.toNanos(5));
      }
      return demo(client, out);
    }
  }

  /** Runs the demo client in a process of its own on host {@code host}, where the replicas' addresses are reached. */
  private int runDemoOnHost(NetworkHosts net, int host, Path logs, PrintWriter out) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(net.on(host));
    cmd.addAll(LocalReplicas.javaCommand());
    cmd.addAll(List.of("cluster", "--dir", dir.toString(), "--service", service, "--operations", String.valueOf(operations),
        "--demo-client"));
    Process demo = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(demo.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        out.println(line);
        out.flush();
      }
    }
    return demo.waitFor();
  }

  /** Long enough for a view change; a demo operation that takes longer is reported, not waited for. */
  static final java.time.Duration DEMO_DEADLINE = java.time.Duration.ofSeconds(30);

  /** Runs the service's demo client: 0 if every result was as expected; an operation past its deadline is reported in one line. */
  private int demo(BftClient client, PrintWriter out) throws Exception {
    try {
      return switch (service) {
        case "kv", "kv-heap" -> runOperations(client, out);
        case "ledger" -> LedgerDemo.run(client, out, operations) == 0 ? 0 : 1;
        default -> {
          out.println("no demo client for service " + service + "; the cluster runs it");
          yield 0;
        }
      };
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.ExecutionException e) {
      dev.bft.client.BftClientException failed = dev.bft.client.BftClientException.of(e);
      if (failed == null) {
        throw e;
      }
      out.println("demo stopped: " + failed.getMessage());
      out.flush();
      return 1;
    }
  }

  /**
   * Waits up to {@code nanos} until the client is connected to all {@code n} replicas (a replica
   * that exits ends the wait with its error); true when it is. The demo runs either way: with a
   * replica missing, an operation that cannot gather a quorum says so by its deadline.
   */
  static boolean awaitConnected(BftClient client, int n, LocalReplicas processes, Path logs, long nanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (client.connectedReplicas() < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
      if (processes != null) {
        processes.checkAlive(logs);
      }
    }
    return client.connectedReplicas() >= n;
  }

  private int runOperations(BftClient client, PrintWriter out) throws Exception {
    long start = System.nanoTime();
    int wrong = 0;
    for (int i = 1; i <= operations; i++) {
      String key = "key-" + i;
      KvResult r = client.put(ClientCommand.bytes(key), ClientCommand.bytes("value-" + i)).join();
      out.printf("put %s = value-%d -> %s%n", key, i, ClientCommand.describe(r));
      wrong += r.status() == KvResult.Status.OK ? 0 : 1;
    }
    for (int i = 1; i <= operations; i++) {
      String key = "key-" + i;
      KvResult r = client.get(ClientCommand.bytes(key)).join();
      out.printf("get %s -> %s%n", key, ClientCommand.describe(r));
      wrong += ("value-" + i).equals(ClientCommand.describe(r)) ? 0 : 1;
    }
    KvResult deleted = client.delete(ClientCommand.bytes("key-1")).join();
    KvResult gone = client.get(ClientCommand.bytes("key-1")).join();
    out.printf("delete key-1 -> %s%nget key-1 -> %s%n", ClientCommand.describe(deleted), ClientCommand.describe(gone));
    wrong += deleted.status() == KvResult.Status.OK && gone.status() == KvResult.Status.ABSENT ? 0 : 1;
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf("%d signed operations completed in %.2f s (%.0f ops/s with one client, one request in flight); %s%n",
        2 * operations + 2, seconds, (2 * operations + 2) / seconds, wrong == 0 ? "every result as expected" : wrong + " unexpected results");
    out.flush();
    return wrong == 0 ? 0 : 1;
  }
}
