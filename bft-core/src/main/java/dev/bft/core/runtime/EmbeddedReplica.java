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
 * Closing it stops the replica's threads and closes its LMDB environment; the JVM goes on. If the
 * replica fails (its storage cannot be written, one of its threads died) it stops itself and
 * reports the cause to {@link Builder#onFailure}; unlike {@code bin/bft replica} it does not halt
 * the process, which belongs to the application.
 */
public final class EmbeddedReplica implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedReplica.class);

  private final ReplicaNode node;
  private final int metricsPort;
  private volatile Throwable failure;

  private EmbeddedReplica(ReplicaNode node, int metricsPort) {
    this.node = node;
    this.metricsPort = metricsPort;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The replica underneath, for its metrics and counters. */
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

  @Override
  public void close() {
    node.close();
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
      Ed25519KeyPair keys = key;
      if (keys == null) {
        Path file = keyFile;
        if (file == null && clusterFile != null) {
          file = ClusterKeygen.replicaKeyFile(clusterFile.toAbsolutePath().getParent(), id);
        }
        if (file == null) {
          throw new IllegalStateException("replica " + id + " needs its key: builder().key(...) or keyFile(...)");
        }
        keys = KeyFiles.read(file);
      }
      Path dir = data != null ? data : config.dataDirectory().resolve("replica-" + id);
      EmbeddedReplica[] self = new EmbeddedReplica[1];
      int replicaId = id;
      ReplicaNode node = new ReplicaNode(config, replicaId, keys, dir, service, 0, e -> {
        LOG.error("replica {}: stopping: {}", replicaId, e.toString(), e);
        EmbeddedReplica r = self[0];
        if (r != null) {
          r.failure = e;
          r.node.close();
        }
        onFailure.accept(e);
      });
      try {
        ReplicaEndpoint advertised = config.replica(replicaId);
        node.start(bindAddress != null ? bindAddress
            : new HostPort(bindHost != null ? bindHost : advertised.host(), advertised.port()));
        Integer port = metricsPort != null ? metricsPort
            : config.replica(replicaId).metricsPort() > 0 ? Integer.valueOf(config.replica(replicaId).metricsPort()) : null;
        int bound = port == null ? -1 : node.metrics().serve(config.metricsHost(), port);
        self[0] = new EmbeddedReplica(node, bound);
        return self[0];
      } catch (IOException e) {
        node.close();
        throw new UncheckedIOException("replica " + replicaId + ": cannot serve metrics: " + e.getMessage(), e);
      } catch (InterruptedException | RuntimeException e) {
        node.close();
        throw e;
      }
    }
  }
}
