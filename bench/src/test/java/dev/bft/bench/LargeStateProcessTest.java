package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.client.ClientResources;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages a correct sender makes and a correct receiver once refused (issue 22, item 9), over real
 * links between real processes: a key bucket over the 4 MiB chunk limit and a client table over
 * 1 MiB, transferred to a replica that lagged behind the garbage-collected log; and a view change
 * after megabytes of prepared batches, which the new view names by digest and a replica that lacks
 * them fetches. Each ends with that replica needed for the quorum.
 */
class LargeStateProcessTest {
  static final int FIRST_CLIENT = 1000;
  static final int CLIENTS = 24;
  /** The largest value whose PUT still fits the 64 KiB operation limit with a short key. */
  static final int VALUE = 65_000;

  @TempDir
  Path dir;

  private ClusterConfig cluster(int checkpointInterval) throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, CLIENTS, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    Files.writeString(file, Files.readString(file)
        .replaceAll("(?m)^checkpoint\\.interval = \\d+$", "checkpoint.interval = " + checkpointInterval)
        .replaceAll("(?m)^log\\.window = \\d+$", "log.window = " + 2 * checkpointInterval));
    return ClusterFile.load(file);
  }

  private List<BftClient> clients(ClusterConfig cluster, ClientResources shared) throws Exception {
    List<BftClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int id = FIRST_CLIENT + i;
      clients.add(new BftClient(cluster, id, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, id)), 500, shared).defaultDeadline(ReplicaProcesses.PATIENCE));
    }
    return clients;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[VALUE];
    Arrays.fill(v, (byte) i);
    v[0] = (byte) (i >> 8);
    return v;
  }

  /**
   * The key-value service's bucket of a key: the first four bytes of SHA-256(key), masked to its
   * 65 536 buckets (kv on LMDB). Finding 72 keys of one bucket costs some 5 million hashes: seconds.
   */
  private static int bucketOf(byte[] key) {
    return java.nio.ByteBuffer.wrap(dev.bft.crypto.Digests.sha256(key)).getInt() & 65535;
  }

  /** {@code count} keys that all fall into one bucket. */
  private static List<byte[]> oneBucket(int count) {
    List<byte[]> keys = new ArrayList<>();
    int bucket = bucketOf(b("big0"));
    for (int i = 0; keys.size() < count; i++) {
      if (bucketOf(b("big" + i)) == bucket) {
        keys.add(b("big" + i));
      }
    }
    return keys;
  }

  private static long gauge(ReplicaProcesses replicas, int id, String name) {
    try {
      return (long) replicas.metric(id, name, "");
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aLaggingReplicaFetchesABucketOver4MiBAndAClientTableOver1MiB() throws Exception {
    // K = 16: the log is collected every 16 sequence numbers, so replica 3 can catch up only by state transfer.
    ClusterConfig cluster = cluster(16);
    List<byte[]> keys = oneBucket(72); // 72 x 65 000 bytes: about 4.5 MiB in one bucket
    try (ReplicaProcesses replicas = new ReplicaProcesses(dir.resolve(ClusterKeygen.CLUSTER_FILE), cluster);
         ClientResources shared = new ClientResources(cluster)) {
      for (int i = 0; i < 3; i++) {
        replicas.start(i);
      }
      List<BftClient> clients = clients(cluster, shared);
      for (int i = 0; i < keys.size(); i++) {
        assertThat(replicas.within(clients.get(i % CLIENTS).put(keys.get(i), value(i)), 60)).isEqualTo(KvResult.OK);
      }
      // Every client's last result is a 65 000-byte value: a client table of about 1.5 MiB.
      List<CompletableFuture<KvResult>> reads = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        reads.add(clients.get(c).get(keys.get(c)));
      }
      for (int c = 0; c < CLIENTS; c++) {
        assertThat(replicas.within(reads.get(c), 60)).isEqualTo(KvResult.value(value(c)));
      }
      long stable = gauge(replicas, 0, "bft_stable_checkpoint");
      assertThat(stable).as("the log was collected past what replica 3 missed").isGreaterThanOrEqualTo(64);

      // Replica 3 learns that it lags from the next requests: no quorum forms without it, and it
      // can join only by fetching that state.
      replicas.kill(2);
      replicas.start(3);
      for (int i = 0; i < 8; i++) {
        assertThat(replicas.within(clients.get(i).put(b("after" + i), b("v" + i)), 120)).isEqualTo(KvResult.OK);
      }
      replicas.await("replica 3 installs the checkpoint", 30, () -> gauge(replicas, 3, "bft_stable_checkpoint") >= stable);
      for (int i = 0; i < keys.size(); i += 9) {
        assertThat(replicas.within(clients.get(i % CLIENTS).get(keys.get(i)), 60)).isEqualTo(KvResult.value(value(i)));
      }
      for (BftClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void aViewChangeAfterMegabytesOfPreparedBatchesCompletesWithAReplicaThatLacksThem() throws Exception {
    // K = 1024: nothing is collected, so every VIEW-CHANGE proves slot prepared.
    ClusterConfig cluster = cluster(1024);
    try (ReplicaProcesses replicas = new ReplicaProcesses(dir.resolve(ClusterKeygen.CLUSTER_FILE), cluster);
         ClientResources shared = new ClientResources(cluster)) {
      for (int i = 0; i < 3; i++) {
        replicas.start(i);
      }
      List<BftClient> clients = clients(cluster, shared);
      int writers = 8;
      int rounds = 16; // 8 clients x 16 puts of 65 000 bytes: about 8 MiB of batches
      for (int r = 0; r < rounds; r++) {
        List<CompletableFuture<KvResult>> puts = new ArrayList<>();
        for (int c = 0; c < writers; c++) {
          puts.add(clients.get(c).put(b("c" + c + "r" + r), value(c * rounds + r)));
        }
        for (CompletableFuture<KvResult> put : puts) {
          assertThat(replicas.within(put, 180)).isEqualTo(KvResult.OK);
        }
      }
      long executed = gauge(replicas, 1, "bft_last_executed");

      replicas.start(3); // an empty replica: it has none of the batches
      replicas.kill(0); // the primary: view 1 forms from replicas 1, 2 and 3 and re-issues every slot by digest
      for (int i = 0; i < 4; i++) {
        assertThat(replicas.within(clients.get(i).put(b("after" + i), b("v" + i)), 180)).isEqualTo(KvResult.OK);
      }
      for (int id = 1; id <= 3; id++) {
        int replica = id;
        replicas.await("replica " + id + " in view 1 or later", 60, () -> gauge(replicas, replica, "bft_view") >= 1);
      }
      replicas.await("replica 3 executes the re-issued slots", 60,
          () -> gauge(replicas, 3, "bft_last_executed") > executed);
      for (int c = 0; c < writers; c += 3) {
        assertThat(replicas.within(clients.get(c).get(b("c" + c + "r" + (rounds - 1))), 60))
            .isEqualTo(KvResult.value(value(c * rounds + rounds - 1)));
      }
      for (BftClient c : clients) {
        c.close();
      }
    }
  }
}
