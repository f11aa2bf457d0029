package dev.bft.adversary.client;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that floods real replicas (Netty, Ed25519, LMDB in this JVM) with frames no correct
 * client sends is hung up on and refused for a while after its first bad frame, and an honest
 * client keeps completing operations meanwhile.
 */
class FloodingClientTest {
  @TempDir
  Path dir;
  final List<ReplicaNode> nodes = new ArrayList<>();

  /** Four real replicas in this JVM, and two clients in the cluster file: 1000 honest, 1001 the flooder. */
  private ClusterConfig startCluster() throws Exception {
    return dev.bft.adversary.InJvmCluster.start(dir, 2, nodes);
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (ReplicaNode node : nodes) {
      node.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = FloodingClient.Kind.class, names = {"BAD_SIGNATURE", "MALFORMED"})
  void aClientSendingBadFramesIsQuarantinedAndTheHonestOneIsServed(FloodingClient.Kind kind) throws Exception {
    ClusterConfig cluster = startCluster();
    try (BftClient honest = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500);
         FloodingClient flooder = new FloodingClient(cluster, 1001,
             KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1001)), kind, 2000)) {
      assertThat(honest.put(bytes("before"), bytes("1")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      flooder.start();
      for (int i = 0; i < 20; i++) {
        assertThat(honest.put(bytes("k" + i), bytes("v")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }
      Thread.sleep(1000);
      assertThat(flooder.framesSent()).as("the flood ran").isPositive();
      String reason = kind == FloodingClient.Kind.BAD_SIGNATURE ? "BAD_SIGNATURE" : "MALFORMED";
      for (ReplicaNode node : nodes) {
        assertThat(node.rejectedFrames().getOrDefault("CLIENT_QUARANTINED", 0L))
            .as("replica %d quarantined the flooder once (its handshakes are refused since)", nodes.indexOf(node))
            .isEqualTo(1);
        // At 2 000 frames/s for well over a second, a replica that kept the link would have decoded thousands.
        // (junk that happens to parse as far as a sender is refused as WRONG_SENDER, before any decode)
        long refused = node.rejectedFrames().getOrDefault(reason, 0L)
            + (kind == FloodingClient.Kind.MALFORMED ? node.rejectedFrames().getOrDefault("WRONG_SENDER", 0L) : 0L);
        assertThat(refused)
            .as("replica %d decoded only what came before it hung up", nodes.indexOf(node))
            .isPositive().isLessThan(200);
      }
      // It keeps reconnecting, but a quarantined identity's handshake is refused before its HELLO is verified.
      assertThat(flooder.connections()).as("links the flooder authenticated: its first, one per replica").isEqualTo(4);
      for (ReplicaNode node : nodes) {
        assertThat(node.rejectedFrames().getOrDefault("HELLO_REFUSED", 0L)).as("replica %d", nodes.indexOf(node)).isPositive();
      }
      assertThat(honest.get(bytes("k19")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.value(bytes("v")));
    }
  }

  @Test
  /** Only the honest client's progress is asserted: whether the flooder fills its queue (and is quarantined) depends on timing. */
  void anHonestClientCompletesEveryOperationBesideAValidlySignedFlood() throws Exception {
    ClusterConfig cluster = startCluster();
    try (BftClient honest = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500);
         FloodingClient flooder = new FloodingClient(cluster, 1001,
             KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1001)), FloodingClient.Kind.VALID, 500)) {
      flooder.start();
      for (int i = 0; i < 20; i++) {
        assertThat(honest.put(bytes("k" + i), bytes("v")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }
      assertThat(flooder.framesSent()).as("the flood ran").isPositive();
      assertThat(honest.get(bytes("k19")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.value(bytes("v")));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
