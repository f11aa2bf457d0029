package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up rule of {@code bft bench}: quiet means under 20 ms of compilation per second over the replicas, per 5 s window. */
class JitSettledTest {
  @TempDir
  Path dir;
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  /** Each replica's jvm_compilation_time_ms_total; absent = its endpoint is down. */
  final Map<Integer, Double> compiled = new HashMap<>();
  JitSettled settled;

  @BeforeEach
  void cluster() throws Exception {
    ClusterConfig cluster = ClusterFile.load(ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 9000, false, new SecureRandom()));
    for (int r = 0; r < 4; r++) {
      compiled.put(r, 1000.0);
    }
    settled = new JitSettled(cluster, now::get, replica -> {
      int id = cluster.replicas().entrySet().stream().filter(e -> e.getValue().equals(replica)).findFirst().orElseThrow().getKey();
      Double ms = compiled.get(id);
      if (ms == null) {
        throw new java.io.IOException("replica " + id + " is down");
      }
      return "# TYPE jvm_compilation_time_ms_total counter\njvm_compilation_time_ms_total{compiler=\"HotSpot\"} " + ms + "\n";
    });
  }

  private void advance(long seconds, double compileMsPerReplica) {
    now.addAndGet(seconds * 1_000_000_000L);
    compiled.replaceAll((id, ms) -> ms + compileMsPerReplica);
  }

  @Test
  void settledOnlyAfterAWholeQuietWindow() {
    assertThat(settled.getAsBoolean()).as("the first reading is only a baseline").isFalse();
    advance(5, 100); // 4 x 100 ms in 5 s = 80 ms/s
    assertThat(settled.getAsBoolean()).as("still compiling").isFalse();
    advance(2, 0);
    assertThat(settled.getAsBoolean()).as("a window not yet over is not judged").isFalse();
    advance(3, 20); // 4 x 20 ms over the 5 s since the last reading = 16 ms/s
    assertThat(settled.getAsBoolean()).isTrue();
  }

  @Test
  void theQuietBoundIsSummedOverTheReplicas() {
    settled.getAsBoolean();
    advance(5, 30); // 30 ms per replica is 6 ms/s each, but 24 ms/s together
    assertThat(settled.getAsBoolean()).isFalse();
  }

  @Test
  void anUnreachableReplicaIsNeverSettled() {
    settled.getAsBoolean();
    compiled.remove(2);
    advance(5, 0);
    assertThat(settled.getAsBoolean()).isFalse();
  }
}
