package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.crypto.KeyFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load of {@code bft bench} and {@code bft client load}, against four replicas on real sockets. */
class LoadRunTest {
  @TempDir
  Path dir;

  private final List<ReplicaNode> nodes = new ArrayList<>();

  @AfterEach
  void stopReplicas() {
    nodes.forEach(ReplicaNode::close);
  }

  /** A cluster of four in-process replicas with {@code clients} client identities, started. */
  private ClusterConfig startCluster(int clients) throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, clients, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      ReplicaNode node = new ReplicaNode(cluster, i, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, i)), e -> { });
      node.start();
      nodes.add(node);
    }
    return cluster;
  }

  @Test
  void uniqueKeysGrowTheStateAndAReadBackChecksEveryValue() throws Exception {
    ClusterConfig cluster = startCluster(3);
    LoadRun.Warmup none = new LoadRun.Warmup(Duration.ZERO, Duration.ZERO, () -> true);
    try (LoadRun load = new LoadRun(cluster, dir, 2, 600, 0).uniqueKeys()) {
      LoadRun.Result r = load.measure(2, none, Duration.ofMillis(800), false, () -> {});
      LoadRun.ReadBack back = load.readBack(2);
      assertThat(back.firstMismatch()).isNull();
      assertThat(back.keys()).as("every put wrote a key of its own").isEqualTo(r.latencies().length);
      assertThat(back.keys()).isGreaterThan(1);
      // The read-back compares values: a key overwritten behind its back is found.
      int third = new ArrayList<>(cluster.clients().keySet()).get(2);
      try (dev.bft.client.BftClient other = new dev.bft.client.BftClient(cluster, third,
          KeyFiles.read(ClusterKeygen.clientKeyFile(dir, third)), 1000)) {
        other.invoke(new dev.bft.core.service.KvOperation.Put(LoadRun.uniqueKey(1, 0), new byte[] {1}).encode())
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(load.readBack(2).firstMismatch()).isEqualTo("key 0 of identity 1 does not hold the value written");
    }
  }

  @Test
  void pointsOfOneRunReuseItsConnectedIdentities() throws Exception {
    ClusterConfig cluster = startCluster(3);
    LoadRun.Warmup none = new LoadRun.Warmup(Duration.ZERO, Duration.ZERO, () -> true);
    List<LoadRun.Result> points = new ArrayList<>();
    try (LoadRun load = new LoadRun(cluster, dir, 3, 64, 0)) {
      assertThat(load.connected()).isEqualTo(3);
      for (int clients : new int[] {3, 1, 3}) {
        points.add(load.measure(clients, none, Duration.ofMillis(700), false, () -> {}));
      }
      assertThatThrownBy(() -> load.measure(4, none, Duration.ofMillis(100), false, () -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("a point of 4 clients on a run of 3");
    }
    for (LoadRun.Result point : points) {
      assertThat(point.latencies()).as("operations completed in a point of %d clients", point.clients()).isNotEmpty();
    }
    for (ReplicaNode node : nodes) {
      // Three identities for three points: reconnecting per point would have opened seven.
      assertThat(node.metrics().clientSessionsOpened()).as("sessions at replica %s", nodes.indexOf(node)).isEqualTo(3);
    }
    // What the count would show of a run per point: a new run's identities are new sessions.
    LoadRun.Result again = LoadRun.run(cluster, dir, 2, 64, 0, Duration.ZERO, Duration.ofMillis(300), false);
    assertThat(again.latencies()).isNotEmpty();
    for (ReplicaNode node : nodes) {
      assertThat(node.metrics().clientSessionsOpened()).isEqualTo(5);
    }
  }

  @Test
  void anOpenLoopRunsAtItsRateAndNotAtTheClusterPace() throws Exception {
    ClusterConfig cluster = startCluster(4);
    LoadRun.Result closed = LoadRun.run(cluster, dir, 4, 64, 0, Duration.ofMillis(500), Duration.ofSeconds(2), false);
    LoadRun.Result open = LoadRun.run(cluster, dir, 4, 64, 0, 10, Duration.ofMillis(500), Duration.ofSeconds(4), false);
    // 10/s for 4 s is 40 arrivals on average (Poisson: more than 70 has odds below 1e-4), so the
    // open loop completes at most that many however fast the cluster is, while the closed loop of
    // the same identities keeps going as fast as the cluster answers. No lower bound: how many
    // complete on a slow machine is the benchmarks' business, not a test's.
    assertThat(open.latencies().length).isPositive().isLessThanOrEqualTo(70);
    assertThat(closed.latencies()).isNotEmpty();
  }

  @Test
  void anOpenLoopTimesEachOperationFromItsArrivalSoABacklogShows() throws Exception {
    ClusterConfig cluster = startCluster(1);
    LoadRun.Result closed = LoadRun.run(cluster, dir, 1, 64, 0, Duration.ofMillis(500), Duration.ofSeconds(1), false);
    // One identity asked for far more than one request in flight can do: arrivals queue behind it.
    LoadRun.Result open = LoadRun.run(cluster, dir, 1, 64, 0, 2000, Duration.ZERO, Duration.ofSeconds(1), false);
    assertThat(open.millis(0.9)).as("timed from arrival, the backlog is in the latency")
        .isGreaterThan(10 * closed.millis(0.5));
  }

  @Test
  void checksItsArgumentsBeforeConnecting() throws Exception {
    ClusterConfig cluster = ClusterFile.load(ClusterKeygen.generate(dir, 1, 2, "127.0.0.1", 9000, false, new SecureRandom()));
    assertThatThrownBy(() -> new LoadRun(cluster, dir, 3, 64, 0)).hasMessageContaining("the cluster file has 2 client identities");
    assertThatThrownBy(() -> new LoadRun(cluster, dir, 1, 12, 0)).hasMessageContaining("too small for a put");
    assertThatThrownBy(() -> new LoadRun(cluster, dir, 1, 64, -0.1)).hasMessageContaining("not between 0 and 1");
    assertThatThrownBy(() -> new LoadRun(cluster, dir, 1, 64, 0, -5)).hasMessageContaining("--rate -5.0");
  }
}
