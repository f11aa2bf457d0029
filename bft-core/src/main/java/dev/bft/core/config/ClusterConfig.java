package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;
import java.nio.file.Path;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A validated cluster: f, the n = 3f + 1 replicas (ids 0..n-1), the clients allowed to submit
 * requests, the protocol parameters, and the data directory (relative paths resolve against the
 * cluster file's directory). Build one with {@link ClusterFile#load}.
 */
public record ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                            NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters,
                            Path dataDirectory) {
  public ClusterConfig {
    replicas = Collections.unmodifiableNavigableMap(new TreeMap<>(replicas));
    clients = Collections.unmodifiableNavigableMap(new TreeMap<>(clients));
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
