package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;
import java.nio.file.Path;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A validated cluster: f, the n = 3f + 1 replicas (ids 0..n-1), the clients allowed to submit
 * requests, the protocol parameters, the data directory (relative paths resolve against the
 * cluster file's directory), the address metrics endpoints bind to, and the epoch this
 * configuration belongs to with the administrator keys of which {@code adminQuorum} must sign a
 * reconfiguration (docs/reconfiguration.md). Build one with {@link ClusterFile#load}.
 */
public record ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                            NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters,
                            Path dataDirectory, String metricsHost, long epoch,
                            NavigableMap<Integer, Ed25519PublicKey> admins, int adminQuorum, EpochStart start) {
  /** Loopback: the metrics endpoint is unauthenticated, so it is not offered to the network unless asked. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  public ClusterConfig {
    replicas = Collections.unmodifiableNavigableMap(new TreeMap<>(replicas));
    clients = Collections.unmodifiableNavigableMap(new TreeMap<>(clients));
    admins = Collections.unmodifiableNavigableMap(new TreeMap<>(admins));
  }

  /** Starting where epoch {@code epoch} starts for a new cluster: at sequence 0. */
  public ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                       NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters, Path dataDirectory,
                       String metricsHost, long epoch, NavigableMap<Integer, Ed25519PublicKey> admins, int adminQuorum) {
    this(f, replicas, clients, parameters, dataDirectory, metricsHost, epoch, admins, adminQuorum, EpochStart.FIRST);
  }

  /** The same configuration, its epoch starting at {@code start} (known once the epoch before has ended). */
  public ClusterConfig startingAt(EpochStart start) {
    return new ClusterConfig(f, replicas, clients, parameters, dataDirectory, metricsHost, epoch, admins, adminQuorum, start);
  }

  /** Epoch 0 without administrators: a cluster that cannot be reconfigured. */
  public ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                       NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters, Path dataDirectory,
                       String metricsHost) {
    this(f, replicas, clients, parameters, dataDirectory, metricsHost, 0, new TreeMap<>(), 1);
  }

  public ClusterConfig(int f, NavigableMap<Integer, ReplicaEndpoint> replicas,
                       NavigableMap<Integer, Ed25519PublicKey> clients, ProtocolParameters parameters, Path dataDirectory) {
    this(f, replicas, clients, parameters, dataDirectory, DEFAULT_METRICS_HOST);
  }

  /**
   * This configuration as this machine runs it: the data directory and metrics host of {@code
   * local}, and the metrics port {@code local} gives a replica at the same address (none of which
   * is in any digest: another machine's file may say otherwise).
   */
  public ClusterConfig localTo(ClusterConfig local) {
    TreeMap<Integer, ReplicaEndpoint> withPorts = new TreeMap<>();
    for (ReplicaEndpoint r : replicas.values()) {
      int metrics = local.replicas.values().stream().filter(o -> o.address().equals(r.address()))
          .mapToInt(ReplicaEndpoint::metricsPort).findFirst().orElse(r.metricsPort());
      withPorts.put(r.id(), new ReplicaEndpoint(r.id(), r.host(), r.port(), r.publicKey(), metrics));
    }
    return new ClusterConfig(f, withPorts, clients, parameters, local.dataDirectory, local.metricsHost, epoch, admins,
        adminQuorum, start);
  }

  /**
   * Whose REQUESTs the replicas verify: the clients and the administrators, who send their
   * reconfigurations as clients (their authority is the signatures inside, not the sender).
   */
  public NavigableMap<Integer, Ed25519PublicKey> requesters() {
    TreeMap<Integer, Ed25519PublicKey> all = new TreeMap<>(clients);
    all.putAll(admins);
    return Collections.unmodifiableNavigableMap(all);
  }

  /** Where to reach replica {@code id}'s metrics: its own host when the endpoints bind every interface. */
  public String metricsHostOf(int id) {
    boolean wildcard = metricsHost.equals("0.0.0.0") || metricsHost.equals("::") || metricsHost.equals("[::]");
    return wildcard ? replica(id).host() : metricsHost;
  }

  /** The id of the replica whose public key is {@code key}, or -1 if none is: ids move when a reconfiguration removes a replica. */
  public int idOf(Ed25519PublicKey key) {
    return replicas.values().stream().filter(r -> r.publicKey().equals(key)).mapToInt(ReplicaEndpoint::id).findFirst()
        .orElse(-1);
  }

  /** Every key a peer of a replica may show on a link: the replicas', the clients' and the administrators'. */
  public java.util.Set<Ed25519PublicKey> allKeys() {
    java.util.Set<Ed25519PublicKey> keys = new java.util.HashSet<>(requesters().values());
    replicas.values().forEach(r -> keys.add(r.publicKey()));
    return keys;
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
