package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.check.LinearizabilityChecker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Clients contend on a few keys of the real key-value service; what they observe must be linearizable. */
class KvLinearizabilitySimulationTest {

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7, 10})
  void contendedKeyValueHistoriesAreLinearizableUnderFaults(int n) {
    SimSeeds.seeds(40_000 + n, 3).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3);
      FaultSchedule schedule = FaultSchedule.random(seed, n, 2000);
      Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
          .withFaults(schedule.before()).withLoad(6, 80));
      schedule.applyTo(sim);
      System.out.println("[sim] kv n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }
}
