package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup whose clock is two minutes ahead (fault injection: {@code bft replica --clock-offset-ms})
 * does not prepare the primary's PRE-PREPAREs, whose timestamps lie beyond the 30 s skew of its
 * clock: it counts TIMESTAMP_SKEWED and logs a WARN line; the other three replicas serve on, and
 * their certificates carry it along (it executes what they commit without vouching for the times).
 */
class ClockSkewProcessTest {
  static final int CLIENT = 1000;

  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBackupWhoseClockIsOffBeyondTheSkewDoesNotPrepareThePrimarysBatchesAndTheOthersServe() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    try (ReplicaProcesses replicas = new ReplicaProcesses(file, cluster);
         BftClient client = new BftClient(cluster, CLIENT, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, CLIENT)), 500)) {
      for (int i = 0; i < 3; i++) {
        replicas.start(i);
      }
      replicas.start(3, "--clock-offset-ms", "120000");
      // Generous deadlines: with one replica refusing everything the other three have no slack, and
      // one slow to start (JIT on a busy machine) costs a view change or two.
      for (int i = 0; i < 5; i++) {
        assertThat(replicas.within(client.put(b("k" + i), b("v" + i)), 180)).isEqualTo(KvResult.OK);
      }
      replicas.await("replica 3 counts skewed timestamps", 60, () -> {
        try {
          return replicas.metric(3, "bft_dropped_total", "reason=\"TIMESTAMP_SKEWED\"") > 0;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(replicas.logged(3, "not preparing primary 0's PRE-PREPARE")).as("the WARN line").isTrue();
      for (int id = 0; id < 3; id++) {
        assertThat(replicas.metric(id, "bft_dropped_total", "reason=\"TIMESTAMP_SKEWED\"")).as("replica %d", id).isZero();
      }
      assertThat(replicas.within(client.get(b("k4")), 180)).isEqualTo(KvResult.value(b("v4")));
      long executed = (long) replicas.metric(0, "bft_last_executed", "");
      assertThat(executed).as("replica 0 executed the puts").isPositive();
      replicas.await("replica 3 executes on the others' certificates", 60, () -> {
        try {
          return replicas.metric(3, "bft_last_executed", "") >= executed;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }
}
