package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that sends votes signed with a wrong key beside its genuine messages (real replicas:
 * Netty, LMDB, Ed25519, in this JVM): the others reject every forgery, verify that replica's frames
 * alone from its first one on, and keep serving the client.
 */
class ForgingReplicaTest {
  @TempDir
  Path dir;
  final List<ReplicaNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(ReplicaNode::close);
  }

  @Test
  void forgeriesAreRejectedAndTheForgerIsVerifiedAlone() throws Exception {
    ClusterConfig cluster = dev.bft.adversary.InJvmCluster.start(dir, 1, nodes);
    nodes.get(3).playByzantine(new Forger(3, 10));
    try (BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500)) {
      for (int i = 0; i < 40; i++) {
        assertThat(client.put(bytes("k" + i), bytes("v" + i)).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }
      assertThat(client.get(bytes("k39")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.value(bytes("v39")));
    }
    for (int i = 0; i < 3; i++) {
      ReplicaNode honest = nodes.get(i);
      assertThat(honest.rejectedFrames().getOrDefault("BAD_SIGNATURE", 0L)).as("replica %d saw the forgeries", i)
          .isPositive();
      assertThat(honest.replicasVerifiedAlone()).as("replica %d", i).isEqualTo(Set.of(3));
      assertThat(honest.metrics().view()).as("a forging backup is no reason for a view change").isZero();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
