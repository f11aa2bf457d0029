package dev.bft.adversary;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.crypto.KeyFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/** Four real replicas (Netty, LMDB, Ed25519) in the test's JVM, for attacks that need to read their counters. */
public final class InJvmCluster {
  private InJvmCluster() {}

  /** Writes a cluster with {@code clients} client identities (1000, 1001, ...) to {@code dir}, starts its replicas into {@code nodes}. */
  public static ClusterConfig start(Path dir, int clients, List<ReplicaNode> nodes) throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, clients, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      ReplicaNode node = new ReplicaNode(cluster, i, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, i)), e -> { });
      node.start();
      nodes.add(node);
    }
    return cluster;
  }
}
