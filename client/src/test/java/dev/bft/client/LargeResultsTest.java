package dev.bft.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.runtime.EmbeddedReplica;
import dev.bft.core.service.KvResult;
import dev.bft.core.service.Services;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large results over real links (docs/protocol.md, Clients, digest replies): a 60 KiB value comes
 * in full from one replica per request and by digest from the others, and a client gets it whole,
 * by the ordered and the read-only path, also when the designated replier of some requests is down.
 */
class LargeResultsTest {
  @TempDir
  Path dir;

  private final List<EmbeddedReplica> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(EmbeddedReplica::close);
  }

  @Test
  void aLargeValueComesWholeAlsoWhenADesignatedReplierIsDown() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    assertThat(cluster.parameters().replyDigestBytes()).as("the default sends a 60 KiB result by digest").isEqualTo(1024);
    for (int i = 0; i < 4; i++) {
      replicas.add(EmbeddedReplica.builder().clusterFile(file).id(i).dataDirectory(dir.resolve("data-" + i))
          .service(Services.find(Services.DEFAULT)).start());
    }
    byte[] key = "big".getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[60_000];
    new SplittableRandom(7).nextBytes(value);
    int clientId = cluster.clients().firstKey();
    try (BftClient client = new BftClient(cluster, clientId, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, clientId)), 300)) {
      assertThat(client.put(key, value).get(30, TimeUnit.SECONDS).status()).isEqualTo(KvResult.Status.OK);
      for (int i = 0; i < 4; i++) {
        assertThat(client.get(key).get(30, TimeUnit.SECONDS).value()).as("ordered get %d", i).isEqualTo(value);
      }
      byte[] read = client.invokeReadOnly(new dev.bft.core.service.KvOperation.Get(key).encode()).get(30, TimeUnit.SECONDS);
      assertThat(KvResult.decode(read).value()).as("read-only get").isEqualTo(value);

      replicas.get(3).close(); // f = 1: the designated replier of about one request in four is gone
      int before = client.retransmissions();
      // Request numbers come from the clock, so which requests replica 3 was to answer in full is
      // chance; enough gets make at least one of them its (all but certainly: (3/4)^60).
      for (int i = 0; i < 60 && (i < 8 || client.retransmissions() == before); i++) {
        assertThat(client.get(key).get(30, TimeUnit.SECONDS).value()).as("get %d with replica 3 down", i).isEqualTo(value);
      }
      assertThat(client.retransmissions()).as("a request whose result replica 3 was to send came by retransmission")
          .isGreaterThan(before);
    }
  }
}
