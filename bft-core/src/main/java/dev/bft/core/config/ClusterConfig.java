package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;
import java.nio.file.Path;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A validated cluster: f, the n = 3f + 1 replicas (ids 0..n-1), the clients allowed to submit
 * requests, the protocol parameters, the data directory (relative paths resolve against the
 * cluster file's directory) and the address metrics endpoints bind to. Build one with
 * {@link ClusterFile#load}.
 */
public record ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                            NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters,
                            Path dataDirectory, String metricsHost) {
  /** Loopback: the metrics endpoint is unauthenticated, so it is not offered to the network unless asked. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  public ClusterConfig {
    replicas = Collections.unmodifiableNavigableMap(new TreeMap<>(replicas));
    clients = Collections.unmodifiableNavigableMap(new TreeMap<>(clients));
  }

  public ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                       NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters, Path dataDirectory) {
    this(f, replicas, clients, parameters, dataDirectory, DEFAULT_METRICS_HOST);
  }

  /** Where to reach replica {@code id}'s metrics: its own host when the endpoints bind every interface. */
  public String metricsHostOf(int id) {
    boolean wildcard = metricsHost.equals("0.0.0.0") || metricsHost.equals("::") || metricsHost.equals("[::]");
    return wildcard ? replica(id).host() : metricsHost;
  }

  public int n() {
    return replicas.size();
  }

  public ReplicaEndpoint replica(int id) {
    ReplicaEndpoint r = replicas.get(id);
    if (r == null) {
      throw new IllegalArgumentException("replica " + id + " is not in the cluster (ids 0.." + (n() - 1) + ")");
    }
    return r;
  }
}
