package dev.bft.core.config;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.crypto.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates a new cluster: a key pair per replica and client, their private key files under
 * {@code keys/}, and {@code cluster.conf} naming them. Client ids start at {@value #FIRST_CLIENT_ID}.
 */
public final class ClusterKeygen {
  public static final int FIRST_CLIENT_ID = 1000;
  /** The administrator keygen makes: below the clients, above any replica id (n is at most 301). */
  public static final int ADMIN_ID = 900;
  public static final String CLUSTER_FILE = "cluster.conf";

  private ClusterKeygen() {}

  public static Path replicaKeyFile(Path dir, int id) {
    return dir.resolve("keys").resolve("replica-" + id + ".key");
  }

  /** An administrator's key file: keep it offline; it signs reconfigurations (docs/reconfiguration.md). */
  public static Path adminKeyFile(Path dir, int id) {
    return dir.resolve("keys").resolve("admin-" + id + ".key");
  }

  public static Path clientKeyFile(Path dir, int id) {
    return dir.resolve("keys").resolve("client-" + id + ".key");
  }

  /** Writes a cluster on one host, replica i at {@code basePort + i}; see {@link #generate(Path, int, List, boolean, SecureRandom)}. */
  public static Path generate(Path dir, int f, int clients, String host, int basePort, boolean force,
                              SecureRandom random) throws IOException {
    int n = 3 * f + 1;
    if (basePort < 1 || basePort + 2 * n - 1 > 65_535) {
      throw new IllegalArgumentException("ports " + basePort + ".." + (basePort + 2 * n - 1) + " are out of range 1..65535");
    }
    List<HostPort> addresses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      addresses.add(new HostPort(host, basePort + i));
    }
    return generate(dir, clients, addresses, force, random);
  }

  /**
   * Writes a cluster whose replica i listens at {@code addresses.get(i)} and serves its metrics on
   * that port plus n; refuses to replace any existing file unless {@code force}. Replicas on more
   * than one host serve metrics on every interface ({@code metrics.host = 0.0.0.0}), so that
   * {@code bft status} reaches them from elsewhere. Returns the cluster file.
   */
  public static Path generate(Path dir, int clients, List<HostPort> addresses, boolean force, SecureRandom random)
      throws IOException {
    int n = addresses.size();
    if (n < 4 || (n - 1) % 3 != 0) {
      throw new IllegalArgumentException(n + " replica addresses: a cluster has 3f+1 replicas (4, 7, 10, ...)");
    }
    int f = (n - 1) / 3;
    Map<String, Integer> used = new HashMap<>();
    for (int i = 0; i < n; i++) {
      HostPort a = addresses.get(i);
      if (a.port() + n > 65_535) {
        throw new IllegalArgumentException("replica " + i + " at " + a + ": its metrics port " + (a.port() + n) + " is out of range");
      }
      for (HostPort claim : List.of(a, new HostPort(a.host(), a.port() + n))) {
        Integer other = used.putIfAbsent(claim.toString(), i);
        if (other != null) {
          throw new IllegalArgumentException("replica " + i + " needs " + claim + ", which replica " + other
              + " already uses (each replica needs its port and that port plus " + n + " for metrics)");
        }
      }
    }
    Path clusterFile = dir.resolve(CLUSTER_FILE);
    List<Path> targets = new ArrayList<>();
    targets.add(clusterFile);
    for (int i = 0; i < n; i++) {
      targets.add(replicaKeyFile(dir, i));
    }
    for (int c = 0; c < clients; c++) {
      targets.add(clientKeyFile(dir, FIRST_CLIENT_ID + c));
    }
    targets.add(adminKeyFile(dir, ADMIN_ID));
    if (!force) {
      for (Path t : targets) {
        if (Files.exists(t)) {
          throw new IllegalArgumentException(t + " already exists; use --force to replace the cluster's keys");
        }
      }
    }
    List<ReplicaEndpoint> replicas = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Ed25519KeyPair keys = Ed25519KeyPair.generate(random);
      KeyFiles.write(replicaKeyFile(dir, i), keys, force);
      HostPort a = addresses.get(i);
      replicas.add(new ReplicaEndpoint(i, a.host(), a.port(), keys.publicKey(), a.port() + n));
    }
    Map<Integer, Ed25519PublicKey> clientKeys = new LinkedHashMap<>();
    for (int c = 0; c < clients; c++) {
      Ed25519KeyPair keys = Ed25519KeyPair.generate(random);
      KeyFiles.write(clientKeyFile(dir, FIRST_CLIENT_ID + c), keys, force);
      clientKeys.put(FIRST_CLIENT_ID + c, keys.publicKey());
    }
    Ed25519KeyPair admin = Ed25519KeyPair.generate(random);
    KeyFiles.write(adminKeyFile(dir, ADMIN_ID), admin, force);
    boolean oneHost = addresses.stream().map(HostPort::host).distinct().count() == 1;
    String text = ClusterFile.render(0, EpochStart.FIRST, f, replicas, clientKeys, Map.of(ADMIN_ID, admin.publicKey()), 1,
        ProtocolParameters.defaults(), "data");
    if (!oneHost) {
      text += "# every interface: the replicas are on several hosts and 'bft status' reads their metrics from afar;"
          + " open these ports to your operators only\n"
          + "metrics.host = 0.0.0.0\n";
    }
    Files.writeString(clusterFile, text, StandardCharsets.UTF_8);
    return clusterFile;
  }
}
