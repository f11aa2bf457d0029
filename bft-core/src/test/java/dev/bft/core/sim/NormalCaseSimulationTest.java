package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NormalCaseSimulationTest {

  private static Simulation.Options options(long seed, int n) {
    return Simulation.Options.of(seed, n, AppendOnlyService::new, AppendOnlyService.workload());
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7, 10})
  void everyOperationCompletesOnAReliableNetwork(int n) {
    SimSeeds.seeds(100, 3).forEach(seed -> {
      Simulation.Result r = SimSeeds.runPrinting("reliable n=" + n, options(seed, n).withLoad(8, 100));
      assertThat(r.allCompleted()).as("liveness, seed %d", seed).isTrue();
      assertThat(r.completedOperations()).isEqualTo(800);
      assertThat(Arrays.stream(r.lastExecuted()).min().orElseThrow()).as("all replicas executed").isPositive();
      assertThat(r.views()).as("an honest primary on a reliable network is never suspected").containsOnly(0L);
    });
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7, 10})
  void everyOperationCompletesDespiteLossDuplicationAndReordering(int n) {
    SimSeeds.seeds(200, 4).forEach(seed -> {
      Simulation.Result r = SimSeeds.runPrinting("hostile n=" + n,
          options(seed, n).withFaults(NetworkFaults.hostile()).withLoad(8, 150));
      assertThat(r.allCompleted()).as("liveness, seed %d", seed).isTrue();
      assertThat(r.messagesDropped()).as("the network did drop messages").isPositive();
      System.out.println("[sim] hostile n=" + n + " seed=" + seed + " views=" + Arrays.toString(r.views()));
    });
  }

  @Test
  void thousandsOfOperationsAcrossManyCheckpointsKeepTheLogBounded() {
    long seed = SimSeeds.seeds(300, 1).findFirst().orElseThrow();
    Quorum q = Quorum.ofReplicas(4);
    ReplicaConfig config = new ReplicaConfig(q, 0, 8, 2, 4, 8, 16, 400);
    Simulation.Result r = SimSeeds.runPrinting("long run",
        options(seed, 4).withReplicaConfig(config).withFaults(NetworkFaults.hostile()).withLoad(10, 500));
    assertThat(r.allCompleted()).isTrue();
    assertThat(r.completedOperations()).isEqualTo(5000);
    // With batches of at most 8 and 5000 operations, the log passed hundreds of checkpoints of 8.
    assertThat(Arrays.stream(r.lastExecuted()).max().orElseThrow()).isGreaterThan(16 * 10);
  }

  @ParameterizedTest(name = "network {0}")
  @ValueSource(strings = {"reliable", "hostile"})
  void withABatchLingerEveryOperationStillCompletes(String network) {
    ReplicaConfig lingering = new ReplicaConfig(Quorum.ofReplicas(4), 0, 16, 2, 8, 16, 64, 400).withBatchLinger(3);
    SimSeeds.seeds(400, 3).forEach(seed -> {
      Simulation.Options o = options(seed, 4).withReplicaConfig(lingering).withLoad(12, 100);
      Simulation.Result r = SimSeeds.runPrinting("linger " + network,
          network.equals("hostile") ? o.withFaults(NetworkFaults.hostile()) : o);
      assertThat(r.allCompleted()).as("liveness, seed %d", seed).isTrue();
      assertThat(r.completedOperations()).isEqualTo(1200);
      if (network.equals("reliable")) {
        assertThat(r.views()).as("a lingering primary is never suspected").containsOnly(0L);
      }
    });
  }

  /** The runtime's default: partial batches wait for the pipeline to drain (alone, and with a linger). */
  @ParameterizedTest(name = "network {0}, linger {1}")
  @org.junit.jupiter.params.provider.CsvSource({"reliable, 0", "hostile, 0", "reliable, 3", "hostile, 3"})
  void waitingForTheDrainEveryOperationStillCompletes(String network, long linger) {
    ReplicaConfig drain = new ReplicaConfig(Quorum.ofReplicas(4), 0, 16, ReplicaConfig.UNTIL_DRAINED, 8, 16, 64, 400)
        .withBatchLinger(linger);
    SimSeeds.seeds(500, 3).forEach(seed -> {
      Simulation.Options o = options(seed, 4).withReplicaConfig(drain).withLoad(12, 100);
      Simulation.Result r = SimSeeds.runPrinting("drain " + network + " linger " + linger,
          network.equals("hostile") ? o.withFaults(NetworkFaults.hostile()) : o);
      assertThat(r.allCompleted()).as("liveness, seed %d", seed).isTrue();
      assertThat(r.completedOperations()).isEqualTo(1200);
      if (network.equals("reliable")) {
        assertThat(r.views()).as("a primary waiting for the drain is never suspected").containsOnly(0L);
      }
    });
  }

  @Test
  void theSameSeedReplaysTheSameTraceByteForByte() {
    Simulation.Options o = options(42, 4).withFaults(NetworkFaults.hostile()).withLoad(5, 60);
    Simulation.Result first = new Simulation(o).run();
    Simulation.Result second = new Simulation(o).run();
    Simulation.Result other = new Simulation(options(43, 4).withFaults(NetworkFaults.hostile()).withLoad(5, 60)).run();
    assertThat(second.traceDigest()).isEqualTo(first.traceDigest());
    assertThat(second.ticks()).isEqualTo(first.ticks());
    assertThat(other.traceDigest()).isNotEqualTo(first.traceDigest());
  }
}
