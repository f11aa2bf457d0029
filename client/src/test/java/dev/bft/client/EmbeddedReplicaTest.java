package dev.bft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.runtime.EmbeddedReplica;
import dev.bft.core.service.Services;
import dev.bft.crypto.KeyFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application's own service, replicated by four replicas embedded in its JVM and used through BftClient. */
class EmbeddedReplicaTest {
  @TempDir
  Path dir;

  private final List<EmbeddedReplica> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(EmbeddedReplica::close);
  }

  @Test
  void fourEmbeddedReplicasRunACustomService() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    for (int i = 0; i < 4; i++) {
      replicas.add(EmbeddedReplica.builder().clusterFile(file).id(i).dataDirectory(dir.resolve("data-" + i))
          .service(new Counter()).metricsPort(0).start());
    }
    assertThat(replicas.get(0).metricsPort()).isPositive();
    ClusterConfig cluster = ClusterFile.load(file);
    int clientId = cluster.clients().firstKey();
    try (BftClient client = new BftClient(cluster, clientId, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, clientId)), 500)) {
      long expected = 0;
      for (int i = 1; i <= 20; i++) {
        expected += i;
        assertThat(Counter.value(client.invoke(Counter.add(i)).get(30, TimeUnit.SECONDS))).isEqualTo(expected);
      }
      assertThat(Counter.value(client.invokeReadOnly(new byte[0]).get(30, TimeUnit.SECONDS))).isEqualTo(expected);
      assertThat(client.invoke(new byte[] {1, 2, 3}).get(30, TimeUnit.SECONDS)).as("garbage gets the service's answer").isEmpty();

      replicas.get(3).close(); // f = 1: the other three go on
      assertThat(Counter.value(client.invoke(Counter.add(100)).get(30, TimeUnit.SECONDS))).isEqualTo(expected + 100);
    }
    for (EmbeddedReplica r : replicas) {
      assertThat(r.failure()).isNull();
    }
  }

  @Test
  void aReplicaBoundToEveryInterfaceServesTheClusterAndIsReachedAtAnotherAddressToo() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      EmbeddedReplica.Builder b = EmbeddedReplica.builder().clusterFile(file).id(i).dataDirectory(dir.resolve("data-" + i))
          .service(new Counter());
      replicas.add(i == 2 ? b.bind("0.0.0.0").start() : b.start());
    }
    // 127.0.0.2 is loopback too, but only a replica listening on every interface answers there
    assertThat(accepts("127.0.0.2", cluster.replica(2).port())).as("bound to 0.0.0.0").isTrue();
    assertThat(accepts("127.0.0.2", cluster.replica(1).port())).as("bound to its advertised 127.0.0.1").isFalse();
    replicas.get(0).close(); // the cluster needs replica 2 now
    int clientId = cluster.clients().firstKey();
    try (BftClient client = new BftClient(cluster, clientId, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, clientId)), 500)) {
      assertThat(Counter.value(client.invoke(Counter.add(7)).get(60, TimeUnit.SECONDS))).isEqualTo(7);
    }
  }

  @Test
  void embeddedReplicasFollowANewEpochAndAClientOfTheOldOneIsToldOfIt() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    for (int i = 0; i < 4; i++) {
      replicas.add(EmbeddedReplica.builder().clusterFile(file).id(i).dataDirectory(dir.resolve("data-" + i))
          .service(new Counter()).start());
    }
    ClusterConfig epoch0 = ClusterFile.load(file);
    int clientId = epoch0.clients().firstKey();
    dev.bft.crypto.Ed25519KeyPair clientKey = KeyFiles.read(ClusterKeygen.clientKeyFile(dir, clientId));
    dev.bft.crypto.Ed25519KeyPair newcomer = dev.bft.crypto.Ed25519KeyPair.generate(new SecureRandom());
    dev.bft.crypto.Ed25519KeyPair admin = KeyFiles.read(ClusterKeygen.adminKeyFile(dir, ClusterKeygen.ADMIN_ID));
    dev.bft.core.config.Reconfiguration enrol = new dev.bft.core.config.Reconfiguration(0,
        List.of(new dev.bft.core.config.Reconfiguration.AddClient(1500, newcomer.publicKey())), List.of());
    enrol = enrol.approvedBy(new dev.bft.core.config.Reconfiguration.Approval(ClusterKeygen.ADMIN_ID,
        admin.sign(dev.bft.crypto.SignatureDomain.of(dev.bft.core.config.Reconfiguration.APPROVAL_DOMAIN), enrol.approved())));
    dev.bft.core.runtime.ReplicaNode before = replicas.get(0).node();

    try (BftClient old = new BftClient(epoch0, clientId, clientKey, 500)) {
      assertThat(Counter.value(old.invoke(Counter.add(5)).get(60, TimeUnit.SECONDS))).isEqualTo(5);
      java.util.concurrent.CompletableFuture<byte[]> acrossTheEnd;
      try (BftClient administrator = new BftClient(epoch0, ClusterKeygen.ADMIN_ID, admin, 500)) {
        // sent with the reconfiguration: ordered before it, or after it and then moved to epoch 1
        acrossTheEnd = old.invoke(Counter.add(1));
        administrator.invoke(enrol.encode()).get(60, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (replicas.stream().anyMatch(r -> r.epoch() != 1) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(replicas).allSatisfy(r -> assertThat(r.epoch()).isEqualTo(1));
      assertThat(replicas.get(0).node()).as("a node of the new epoch").isNotSameAs(before);
      assertThat(Counter.value(acrossTheEnd.get(60, TimeUnit.SECONDS))).as("executed once, in one epoch or the other")
          .isEqualTo(6);

      assertThat(Counter.value(old.invoke(Counter.add(1)).get(60, TimeUnit.SECONDS)))
          .as("told of epoch 1, the client moved there and goes on").isEqualTo(7);
      ClusterConfig epoch1 = old.configuration();
      assertThat(epoch1.epoch()).isEqualTo(1);
      assertThat(epoch1.clients()).containsKey(1500);
      try (BftClient added = new BftClient(epoch1, 1500, newcomer, 500)) {
        assertThat(Counter.value(added.invoke(Counter.add(10)).get(60, TimeUnit.SECONDS))).as("the state came along")
            .isEqualTo(17);
        assertThat(Counter.value(old.invoke(Counter.add(1)).get(60, TimeUnit.SECONDS))).isEqualTo(18);
      }
    }
    for (EmbeddedReplica r : replicas) {
      assertThat(r.failure()).isNull();
    }
  }

  private static boolean accepts(String host, int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(host, port), 2000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aBuilderWithoutAServiceSaysSo() {
    assertThatThrownBy(() -> EmbeddedReplica.builder().clusterFile(dir.resolve("cluster.conf")).id(0).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a service");
  }

  @Test
  void servicesAreFoundByNameOrClassAndAnUnknownNameListsTheKnownOnes() {
    assertThat(Services.find("kv-heap").create().chunkCount()).isPositive();
    assertThat(Services.find("kv")).isInstanceOf(dev.bft.core.service.kv.LmdbKeyValueService.Provider.class);
    assertThat(Services.find("ledger").name()).isEqualTo("ledger");
    assertThat(Services.find(Counter.class.getName()).create()).isInstanceOf(Counter.class);
    assertThatThrownBy(() -> Services.find("bank")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--service bank is neither a known service nor a class on the classpath (known services: kv, kv-heap, ledger; or a class name)");
    assertThatThrownBy(() -> Services.find(String.class.getName())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("implements neither");
  }

  @Test
  void aDataDirectoryWrittenByOneServiceIsRefusedToAnotherAndLeftAsItWas() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    Path data = dir.resolve("data-0");
    EmbeddedReplica.builder().clusterFile(file).id(0).dataDirectory(data).service(new Counter()).start().close();
    java.util.Map<Path, Long> before = modified(data);
    assertThatThrownBy(() -> EmbeddedReplica.builder().clusterFile(file).id(0).dataDirectory(data)
        .service(Services.find("ledger").create()).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("data directory " + data + " holds the state of service " + Counter.class.getName() + ", not "
            + dev.bft.core.service.ledger.LedgerService.class.getName()
            + ": start the replica with that service, or give it another data directory");
    assertThat(modified(data)).as("nothing in it changed").isEqualTo(before);
    // A service that stores its own state opens it before the refusal, and takes it away again.
    assertThatThrownBy(() -> EmbeddedReplica.builder().clusterFile(file).id(0).dataDirectory(data)
        .service(Services.find("kv")).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds the state of service " + Counter.class.getName());
    assertThat(modified(data)).as("nothing in it changed").isEqualTo(before);
    replicas.add(EmbeddedReplica.builder().clusterFile(file).id(0).dataDirectory(data).service(new Counter()).start());
    assertThat(replicas.get(0).failure()).as("its own service opens it again").isNull();
  }

  private static java.util.Map<Path, Long> modified(Path dir) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(dir)) {
      return files.collect(java.util.stream.Collectors.toMap(f -> f.getFileName(), f -> f.toFile().lastModified()));
    }
  }
}
