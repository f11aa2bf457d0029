package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Twins: a faulty replica runs as two correct copies with the same key, each talking to part of the
 * cluster, so each part sees a perfectly consistent replica, but not the same one. With one such
 * replica (f = 1 fault at n = 4, one of f = 2 at n = 7) correct replicas must still agree.
 */
class TwinsTest {

  @ParameterizedTest(name = "n={0}, twin replica {1}")
  @CsvSource({"4, 0", "4, 2", "7, 0", "7, 3"})
  void twinsCannotSplitTheCorrectReplicas(int n, int twinned) {
    SimSeeds.seeds(95_000 + n * 10 + twinned, 4).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3);
      Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
          .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 40));
      Set<Integer> audience = n == 4 ? Set.of(twinned == 1 ? 2 : 1) : Set.of(1, 2, 4).contains(twinned) ? Set.of(5, 6) : Set.of(1, 2);
      sim.makeTwins(twinned, audience);
      System.out.println("[adversary] twins n=" + n + " replica " + twinned + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }
}
