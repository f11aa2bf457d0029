package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A faulty or slow primary is replaced, and nothing committed is lost (agreement is checked throughout). */
class ViewChangeSimulationTest {

  private static Simulation.Options options(long seed, int n) {
    return Simulation.Options.of(seed, n, AppendOnlyService::new, AppendOnlyService.workload())
        .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(6, 150);
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7, 10})
  void aPrimaryThatCrashesForGoodIsReplaced(int n) {
    SimSeeds.seeds(800, 3).forEach(seed -> {
      Simulation sim = new Simulation(options(seed, n));
      sim.crash(0, 400, Long.MAX_VALUE / 2);
      System.out.println("[sim] dead primary n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.replicaCore(1).view()).as("view moved on").isPositive();
    });
  }

  @Test
  void successivePrimariesFailingStillLeadToAWorkingView() {
    SimSeeds.seeds(900, 3).forEach(seed -> {
      Simulation sim = new Simulation(options(seed, 7));
      sim.crash(0, 300, Long.MAX_VALUE / 2);
      sim.crash(1, 300, Long.MAX_VALUE / 2);
      System.out.println("[sim] two dead primaries seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.replicaCore(2).view()).isGreaterThanOrEqualTo(2);
    });
  }

  @Test
  void aPrimaryCutOffByAPartitionIsReplacedAndRejoinsLater() {
    SimSeeds.seeds(1000, 3).forEach(seed -> {
      Simulation sim = new Simulation(options(seed, 4));
      sim.isolate(0, 300, 5000);
      System.out.println("[sim] partitioned primary seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
    });
  }

  @Test
  void aPrimaryThatCensorsAClientIsDetectedAndReplaced() {
    SimSeeds.seeds(1100, 3).forEach(seed -> {
      Simulation sim = new Simulation(options(seed, 4));
      sim.censor(0, Simulation.FIRST_CLIENT_ID);
      System.out.println("[sim] censoring primary seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("the censored client is served, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.replicaCore(1).view()).as("the censor was replaced").isPositive();
    });
  }
}
