package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Replicas crash (losing everything not persisted) and restart from their durable log. */
class CrashRestartSimulationTest {

  private static Simulation.Options options(long seed) {
    return Simulation.Options.of(seed, 4, AppendOnlyService::new, AppendOnlyService.workload())
        .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(6, 200);
  }

  @Test
  void aCrashedBackupRestartsFromItsLogAndCatchesUp() {
    SimSeeds.seeds(500, 5).forEach(seed -> {
      Simulation sim = new Simulation(options(seed));
      sim.crash(2, 300, 900);
      System.out.println("[sim] backup crash seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.replicaCore(2).lastExecuted()).as("the restarted replica kept executing").isPositive();
    });
  }

  @Test
  void theCrashedPrimaryNeverReusesASequenceNumber() {
    // While the primary is down nothing is ordered (no view change yet); after it restarts it must
    // continue above every sequence number it assigned before, or agreement would break.
    SimSeeds.seeds(600, 5).forEach(seed -> {
      Simulation sim = new Simulation(options(seed));
      sim.crash(0, 200, 260);
      sim.crash(0, 700, 720);
      System.out.println("[sim] primary crash seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(Arrays.stream(r.lastExecuted()).min().orElseThrow()).isPositive();
    });
  }

  @Test
  void fReplicasDownAtOnceDoNotStopTheOthers() {
    long seed = SimSeeds.seeds(700, 1).findFirst().orElseThrow();
    Simulation sim = new Simulation(options(seed));
    sim.crash(3, 50, 100_000);
    Simulation.Result r = sim.run();
    System.out.println("[sim] one replica down seed=" + seed);
    assertThat(r.allCompleted()).isTrue();
  }
}
