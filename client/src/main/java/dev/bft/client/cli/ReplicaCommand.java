package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.runtime.EpochKeys;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.crypto.KeyFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bft replica}: runs one replica process until it is stopped. */
@Command(name = "replica", mixinStandardHelpOptions = true, description = "Run one replica of a cluster.")
final class ReplicaCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "the cluster file")
  Path config;

  @Option(names = "--id", defaultValue = "${env:BFT_REPLICA_ID}",
      description = "this replica's id (default: the environment variable BFT_REPLICA_ID, as a container sets it)")
  Integer id;

  @Option(names = "--bind", paramLabel = "HOST[:PORT]",
      description = "listen here instead of at the address the cluster file advertises for this replica (0.0.0.0: every interface; without a port, the advertised port), as behind NAT, a port forward or in a container")
  String bind;

  @Option(names = "--key", description = "private key file (default: keys/replica-<id>.key next to the cluster file)")
  Path key;

  @Option(names = "--data", description = "LMDB directory (default: <data.dir>/replica-<id> from the cluster file)")
  Path data;

  @Option(names = "--byzantine", description = "play a Byzantine behaviour (for attack demos): equivocate, lie, wrong-replies, replay, flood, silent, slow, selective, stale-view-change, lying-new-view, view-lie, thread-failure, colluding-new-view, skewed-timestamp, stale-reads")
  String byzantine;

  @Option(names = "--colluder", description = "with --byzantine: the id of a replica whose key (keys/replica-<id>.key next to the cluster file) this one also holds, for behaviours of two colluders")
  Integer colluder;

  @Option(names = "--service", defaultValue = dev.bft.core.service.Services.DEFAULT,
      description = "the replicated service: a registered name (kv, ledger) or a class name on the classpath (default: ${DEFAULT-VALUE})")
  String service;

  @Option(names = "--metrics-port", description = "serve Prometheus metrics at http://<metrics.host>:<port>/metrics (default: replica.<id>.metrics in the cluster file)")
  Integer metricsPort;

  @Option(names = "--clock-offset-ms", defaultValue = "0",
      description = "fault injection: run with this replica's wall clock moved by this many milliseconds (negative: behind); a backup whose clock is off by more than timestamp.skew.ms refuses the primary's batches")
  long clockOffsetMillis;

  @Override
  public Integer call() throws Exception {
    ClusterConfig cluster = ClusterFile.load(config);
    if (id == null) {
      throw new IllegalArgumentException("which replica is this? give --id or set BFT_REPLICA_ID");
    }
    if (!cluster.replicas().containsKey(id)) {
      throw new IllegalArgumentException("--id " + id + " is not a replica of " + config + " (ids 0.." + (cluster.n() - 1) + ")");
    }
    dev.bft.core.service.ServiceProvider app = dev.bft.core.service.Services.find(service);
    keyFile = key != null ? key : ClusterKeygen.replicaKeyFile(config.toAbsolutePath().getParent(), id);
    dev.bft.core.cli.ByzantineBehaviour behaviour = null;
    if (byzantine != null) {
      java.util.List<String> known = new java.util.ArrayList<>();
      for (dev.bft.core.cli.ByzantineBehaviour b : java.util.ServiceLoader.load(dev.bft.core.cli.ByzantineBehaviour.class)) {
        known.add(b.name());
        if (b.name().equals(byzantine)) {
          behaviour = b;
        }
      }
      if (behaviour == null) {
        throw new IllegalArgumentException("--byzantine " + byzantine + " is not a behaviour (known: " + String.join(", ", known) + ")");
      }
    }
    dev.bft.core.cli.ByzantineBehaviour.Colluder pooled = behaviour == null ? null : colluder(cluster, behaviour);
    Path dataDir = data != null ? data : cluster.dataDirectory().resolve("replica-" + id);
    dev.bft.crypto.Ed25519KeyPair keyPair = KeyFiles.read(keyFile);
    ClusterConfig running = ReplicaNode.configurationFor(dataDir, cluster);
    if (running.epoch() > cluster.epoch()) {
      System.out.println("replica " + id + ": its data directory has moved to epoch " + running.epoch() + " (the cluster "
          + "file is of epoch " + cluster.epoch() + "): running that");
    }
    startNode(running, keyPair, dataDir, app, behaviour, pooled);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ReplicaNode last = current.getAndSet(null);
      if (last != null) {
        last.close();
      }
      stopped.countDown();
    }));
    stopped.await();
    ReplicaNode last = current.getAndSet(null);
    if (last != null) {
      last.close();
    }
    return 0;
  }

  /** Counted down when the process should end: a signal, or an epoch that leaves this replica out. */
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Path keyFile;

  /** The node of this process, replaced when the replica moves to a new epoch. */
  private final java.util.concurrent.atomic.AtomicReference<ReplicaNode> current = new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * Starts a replica of {@code config} on {@code dataDir}, identified by its key; when the epoch
   * ends and this replica is in the next one, the node is closed and another started in it.
   */
  private ReplicaNode startNode(ClusterConfig config, dev.bft.crypto.Ed25519KeyPair keyPair, Path dataDir,
                                dev.bft.core.service.ServiceProvider app, dev.bft.core.cli.ByzantineBehaviour behaviour,
                                dev.bft.core.cli.ByzantineBehaviour.Colluder pooled) throws Exception {
    int self = config.idOf(keyPair.publicKey());
    if (self < 0) {
      throw new IllegalArgumentException("this replica's key is not in epoch " + config.epoch() + "'s configuration: "
          + "a reconfiguration removed it, so there is nothing for it to run");
    }
    if (self != id) {
      System.out.println("replica " + id + " runs as replica " + self + " of epoch " + config.epoch()
          + " (a reconfiguration moved it)");
    }
    ReplicaNode node = new ReplicaNode(config, self, keyPair, dataDir, app::create, clockOffsetMillis, fatal -> {
      System.err.println("bft replica " + self + ": stopping: " + fatal);
      Runtime.getRuntime().halt(3);
    });
    if (behaviour != null) {
      node.playByzantine(pooled == null ? behaviour.create(self, config.n()) : behaviour.create(self, config.n(), pooled));
    }
    node.onNewEpoch(next -> {
      try {
        dev.bft.crypto.Ed25519KeyPair nextKey = EpochKeys.keyFor(next, keyPair, keyFile);
        if (nextKey == null) {
          EpochKeys.lingerLeftOut(node, self, config, next);
          System.out.println("replica " + self + ": epoch " + next.epoch() + " leaves it out and every replica that "
              + "stays has moved on: stopping");
          System.out.flush();
          stopped.countDown();
          return;
        }
        ReplicaNode old = current.get();
        old.close();
        current.compareAndSet(old, startNode(next, nextKey, dataDir, app, behaviour, pooled));
      } catch (Exception e) {
        System.err.println("bft replica " + self + ": stopping: could not start epoch " + next.epoch() + ": " + e);
        Runtime.getRuntime().halt(3);
      }
    });
    node.start(listenAddress(config.replica(self)));
    current.set(node);
    Integer servePort = metricsPort != null ? metricsPort
        : config.replica(self).metricsPort() > 0 ? Integer.valueOf(config.replica(self).metricsPort()) : null;
    if (servePort != null) {
      int port = node.metrics().serve(config.metricsHost(), servePort);
      System.out.println("replica " + self + " metrics on http://" + config.metricsHostOf(self) + ":" + port + "/metrics");
    }
    System.out.println("replica " + self + " running on " + config.replica(self).address()
        + (bind != null ? " (listening on " + bind + ")" : "") + " (service " + service + ", epoch " + config.epoch() + ")");
    System.out.flush();
    return node;
  }

  private dev.bft.core.config.HostPort listenAddress(dev.bft.core.config.ReplicaEndpoint advertised) {
    if (bind == null) {
      return new dev.bft.core.config.HostPort(advertised.host(), advertised.port());
    }
    // a port is given as host:port or [v6]:port; a bare IPv6 address has colons of its own
    boolean withPort = bind.startsWith("[") || bind.indexOf(':') >= 0 && bind.indexOf(':') == bind.lastIndexOf(':');
    return withPort ? dev.bft.core.config.HostPort.parse(bind) : new dev.bft.core.config.HostPort(bind, advertised.port());
  }

  private dev.bft.core.cli.ByzantineBehaviour.Colluder colluder(ClusterConfig cluster, dev.bft.core.cli.ByzantineBehaviour behaviour)
      throws java.io.IOException {
    if (colluder == null) {
      if (behaviour.needsColluder()) {
        throw new IllegalArgumentException("--byzantine " + behaviour.name() + " needs --colluder ID");
      }
      return null;
    }
    if (!cluster.replicas().containsKey(colluder) || colluder == id) {
      throw new IllegalArgumentException("--colluder " + colluder + " must be another replica of " + config);
    }
    return new dev.bft.core.cli.ByzantineBehaviour.Colluder(colluder,
        KeyFiles.read(ClusterKeygen.replicaKeyFile(config.toAbsolutePath().getParent(), colluder)));
  }
}
