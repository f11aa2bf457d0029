package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/protocol.md, Clients: a backup that receives a request it has not seen executed forwards it
 * to the primary. A client that cannot reach the primary (here: its cluster file points replica 0
 * at a dead port) then completes through the backups in the same view, well before any backup's
 * view-change timer could have fired; without forwarding it would need a view change.
 */
class RequestForwardingTest {
  @TempDir
  Path dir;

  @Test
  void backupsForwardARequestTheClientCouldNotGiveThePrimary() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    List<ReplicaNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        ReplicaNode node = new ReplicaNode(cluster, i, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, i)), e -> { });
        node.start();
        nodes.add(node);
      }
      TreeMap<Integer, ReplicaEndpoint> seenByClient = new TreeMap<>(cluster.replicas());
      ReplicaEndpoint primary = cluster.replica(0);
      seenByClient.put(0, new ReplicaEndpoint(0, primary.host(), FreePorts.consecutive(1), primary.publicKey()));
      ClusterConfig cutOff = new ClusterConfig(cluster.f(), seenByClient, cluster.clients(), cluster.parameters(),
          cluster.dataDirectory());
      try (BftClient client = new BftClient(cutOff, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 300).defaultDeadline(ReplicaProcesses.PATIENCE)) {
        KvResult r = client.put(bytes("k"), bytes("v")).get(30, TimeUnit.SECONDS);
        assertThat(r).isEqualTo(KvResult.OK);
        for (ReplicaNode node : nodes) {
          assertThat(node.metrics().view()).as("still view 0: no view change was needed").isZero();
        }
        // The client completes on f + 1 replies; the primary may publish its progress a little later.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (nodes.get(0).metrics().lastExecuted() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(nodes.get(0).metrics().lastExecuted()).as("the primary ordered it").isPositive();
      }
    } finally {
      nodes.forEach(ReplicaNode::close);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
