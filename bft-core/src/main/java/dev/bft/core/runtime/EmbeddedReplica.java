package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.HostPort;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica running inside an application's own JVM, on the application's own service object:
 *
 * <pre>{@code
 * try (EmbeddedReplica replica = EmbeddedReplica.builder()
 *     .clusterFile(Path.of("cluster/cluster.conf")).id(2)
 *     .service(new MyService())
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * Closing it stops the replica's threads and closes its LMDB environment; the JVM goes on. When a
 * reconfiguration moves the cluster to a new epoch, the replica moves with it by itself, as {@code
 * bin/bft replica} does: the node is closed and another started in the new epoch on the same data
 * directory ({@link #node()} changes; a rotated key is taken from {@code <key file>.next}); one the
 * new epoch leaves out stops once the replicas that stay have moved on ({@link #leftOut()}). If the
 * replica fails (its storage cannot be written, one of its threads died) it stops itself and
 * reports the cause to {@link Builder#onFailure}; unlike {@code bin/bft replica} it does not halt
 * the process, which belongs to the application.
 */
public final class EmbeddedReplica implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedReplica.class);

  /** What the builder settled, kept to start the replica again in each new epoch. */
  private record Settings(Ed25519KeyPair key, Path keyFile, Path data,
                          java.util.function.Function<dev.bft.core.service.ServiceContext, ReplicatedService> service,
                          String bindHost, HostPort bindAddress, Consumer<Throwable> onFailure) {}

  private final Settings settings;
  private volatile ReplicaNode node;
  private volatile ClusterConfig running;
  private volatile int metricsPort = -1;
  private volatile Throwable failure;
  private volatile boolean leftOut;
  private volatile boolean closed;

  private EmbeddedReplica(Settings settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The replica underneath, for its metrics and counters (another one after each move to a new epoch). */
  public ReplicaNode node() {
    return node;
  }

  /** The port the Prometheus endpoint listens on, or -1 when none was asked for. */
  public int metricsPort() {
    return metricsPort;
  }

  /** Why the replica stopped itself, or null while it runs. */
  public Throwable failure() {
    return failure;
  }

  /** The epoch this replica runs (docs/reconfiguration.md). */
  public long epoch() {
    return running.epoch();
  }

  /** Whether an epoch left this replica out, so that it stopped once the replicas that stay had moved on. */
  public boolean leftOut() {
    return leftOut;
  }

  @Override
  public synchronized void close() {
    closed = true;
    node.close();
  }

  /**
   * Starts a replica of {@code config} with {@code key}, served on {@code metrics} (null: none); when
   * its epoch ends it is closed and another started in the next epoch on the same data directory,
   * as {@code bft replica} does, or, left out, it stops once the replicas that stay moved on.
   */
  private synchronized void launch(ClusterConfig config, Ed25519KeyPair key, Integer metrics)
      throws InterruptedException, IOException {
    int self = config.idOf(key.publicKey());
    ReplicaNode[] failing = new ReplicaNode[1];
    ReplicaNode started = new ReplicaNode(config, self, key, settings.data(), settings.service(), 0, e -> {
      LOG.error("replica {}: stopping: {}", self, e.toString(), e);
      failure = e;
      if (failing[0] != null) {
        failing[0].close();
      }
      settings.onFailure().accept(e);
    });
    failing[0] = started;
    started.onNewEpoch(next -> follow(started, config, key, next));
    try {
      ReplicaEndpoint advertised = config.replica(self);
      started.start(settings.bindAddress() != null ? settings.bindAddress()
          : new HostPort(settings.bindHost() != null ? settings.bindHost() : advertised.host(), advertised.port()));
      Integer port = metrics != null ? metrics : advertised.metricsPort() > 0 ? Integer.valueOf(advertised.metricsPort()) : null;
      metricsPort = port == null ? -1 : started.metrics().serve(config.metricsHost(), port);
      node = started;
      running = config;
    } catch (IOException | InterruptedException | RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private void follow(ReplicaNode old, ClusterConfig current, Ed25519KeyPair key, ClusterConfig next) {
    try {
      Ed25519KeyPair nextKey = EpochKeys.keyFor(next, key, settings.keyFile());
      if (nextKey == null) {
        EpochKeys.lingerLeftOut(old, current.idOf(key.publicKey()), current, next);
        leftOut = true;
        old.close();
        return;
      }
      synchronized (this) {
        if (closed) {
          return;
        }
        old.close();
        launch(next, nextKey, metricsPort >= 0 ? Integer.valueOf(metricsPort) : null);
      }
    } catch (Exception e) {
      LOG.error("replica {}: could not start epoch {}: {}", current.idOf(key.publicKey()), next.epoch(), e.toString(), e);
      failure = e;
      settings.onFailure().accept(e);
    }
  }

  /** What an embedded replica needs; {@link #service} and the cluster are required. */
  public static final class Builder {
    private ClusterConfig cluster;
    private Path clusterFile;
    private Integer id;
    private Ed25519KeyPair key;
    private Path keyFile;
    private Path data;
    private java.util.function.Function<dev.bft.core.service.ServiceContext, ReplicatedService> service;
    private Integer metricsPort;
    private String bindHost;
    private HostPort bindAddress;
    private Consumer<Throwable> onFailure = e -> { };

    private Builder() {}

    /** The cluster file; keys default to {@code keys/replica-<id>.key} beside it. */
    public Builder clusterFile(Path file) {
      this.clusterFile = file;
      return this;
    }

    /** The cluster, already loaded; then a key or key file is required. */
    public Builder cluster(ClusterConfig config) {
      this.cluster = config;
      return this;
    }

    public Builder id(int id) {
      this.id = id;
      return this;
    }

    public Builder key(Ed25519KeyPair key) {
      this.key = key;
      return this;
    }

    public Builder keyFile(Path file) {
      this.keyFile = file;
      return this;
    }

    /** The LMDB directory (default {@code <data.dir>/replica-<id>} from the cluster file). */
    public Builder dataDirectory(Path dir) {
      this.data = dir;
      return this;
    }

    /** A fresh instance of the service: the same class, in the same initial state, at every replica. */
    public Builder service(ReplicatedService service) {
      Objects.requireNonNull(service);
      this.service = context -> service;
      return this;
    }

    /**
     * The service a provider makes for this replica's context: how a service that stores its own
     * state (the key-value store on LMDB) opens it in the replica's data directory.
     */
    public Builder service(dev.bft.core.service.ServiceProvider provider) {
      this.service = Objects.requireNonNull(provider)::create;
      return this;
    }

    /** Serve Prometheus metrics on this port (0: any free one); default: as the cluster file says, or none. */
    public Builder metricsPort(int port) {
      this.metricsPort = port;
      return this;
    }

    /** Listen on this host (0.0.0.0: every interface) and the advertised port, instead of the advertised host. */
    public Builder bind(String host) {
      this.bindHost = Objects.requireNonNull(host);
      this.bindAddress = null;
      return this;
    }

    /** Listen on this address instead of the one the cluster file advertises (a port forward or relay in between). */
    public Builder bind(HostPort address) {
      this.bindAddress = Objects.requireNonNull(address);
      this.bindHost = null;
      return this;
    }

    /** Told, once and off the failing thread, why the replica stopped itself. */
    public Builder onFailure(Consumer<Throwable> onFailure) {
      this.onFailure = Objects.requireNonNull(onFailure);
      return this;
    }

    /** Opens storage (recovering what it holds), binds the port and starts the protocol. */
    public EmbeddedReplica start() throws InterruptedException {
      if (service == null) {
        throw new IllegalStateException("an embedded replica needs a service: builder().service(...)");
      }
      if (id == null) {
        throw new IllegalStateException("an embedded replica needs its id: builder().id(...)");
      }
      if (cluster == null && clusterFile == null) {
        throw new IllegalStateException("an embedded replica needs its cluster: builder().clusterFile(...) or cluster(...)");
      }
      ClusterConfig config = cluster != null ? cluster : ClusterFile.load(clusterFile);
      if (!config.replicas().containsKey(id)) {
        throw new IllegalArgumentException("id " + id + " is not a replica of the cluster (ids 0.." + (config.n() - 1) + ")");
      }
      Path file = key != null ? keyFile : keyFile != null ? keyFile
          : clusterFile != null ? ClusterKeygen.replicaKeyFile(clusterFile.toAbsolutePath().getParent(), id) : null;
      if (key == null && file == null) {
        throw new IllegalStateException("replica " + id + " needs its key: builder().key(...) or keyFile(...)");
      }
      Ed25519KeyPair keys = key != null ? key : KeyFiles.read(file);
      Path dir = data != null ? data : config.dataDirectory().resolve("replica-" + id);
      // A data directory that moved to a later epoch than the cluster file's runs that epoch.
      ClusterConfig running = ReplicaNode.configurationFor(dir, config);
      if (running.idOf(keys.publicKey()) < 0) {
        throw new IllegalArgumentException("replica " + id + "'s key is not in epoch " + running.epoch()
            + "'s configuration: a reconfiguration removed it");
      }
      EmbeddedReplica replica = new EmbeddedReplica(new Settings(keys, file, dir, service, bindHost, bindAddress, onFailure));
      try {
        replica.launch(running, keys, metricsPort);
      } catch (IOException e) {
        throw new UncheckedIOException("replica " + id + ": cannot serve metrics: " + e.getMessage(), e);
      }
      return replica;
    }
  }
}
