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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates a new cluster: a key pair per replica and client, their private key files under
 * {@code keys/}, and {@code cluster.conf} naming them. Client ids start at {@value #FIRST_CLIENT_ID}.
 */
public final class ClusterKeygen {
  public static final int FIRST_CLIENT_ID = 1000;
  public static final String CLUSTER_FILE = "cluster.conf";

  private ClusterKeygen() {}

  public static Path replicaKeyFile(Path dir, int id) {
    return dir.resolve("keys").resolve("replica-" + id + ".key");
  }

  public static Path clientKeyFile(Path dir, int id) {
    return dir.resolve("keys").resolve("client-" + id + ".key");
  }

  /** Writes the cluster; refuses to replace any existing file unless {@code force}. Returns the cluster file. */
  public static Path generate(Path dir, int f, int clients, String host, int basePort, boolean force,
                              SecureRandom random) throws IOException {
    int n = 3 * f + 1;
    if (basePort < 1 || basePort + 2 * n - 1 > 65_535) {
      throw new IllegalArgumentException("ports " + basePort + ".." + (basePort + 2 * n - 1) + " are out of range 1..65535");
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
      // replica i listens on base+i and serves its metrics on base+n+i
      replicas.add(new ReplicaEndpoint(i, host, basePort + i, keys.publicKey(), basePort + n + i));
    }
    Map<Integer, Ed25519PublicKey> clientKeys = new LinkedHashMap<>();
    for (int c = 0; c < clients; c++) {
      Ed25519KeyPair keys = Ed25519KeyPair.generate(random);
      KeyFiles.write(clientKeyFile(dir, FIRST_CLIENT_ID + c), keys, force);
      clientKeys.put(FIRST_CLIENT_ID + c, keys.publicKey());
    }
    Files.writeString(clusterFile, ClusterFile.render(f, replicas, clientKeys, ProtocolParameters.defaults(), "data"),
        StandardCharsets.UTF_8);
    return clusterFile;
  }
}
