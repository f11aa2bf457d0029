package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.FaultSchedule;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.ShellOptions;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized Byzantine campaign against the production shell: one replica of four drops,
 * duplicates, misdirects and mutates what it sends (as frames it signs with its own key; it
 * cannot forge another's), on top of a random network fault schedule, while the correct replicas
 * run the real verification queue, vote filter, effects, commit stage and timers. Every invariant
 * among the correct replicas, liveness after the faults heal, and linearizability.
 */
class ShellByzantineCampaignTest {
  @TempDir
  Path dir;

  @Test
  void randomByzantineRunsAgainstTheProductionShellKeepEveryInvariant() {
    int n = 4;
    List<String> failures = new ArrayList<>();
    SimSeeds.seeds(300_000, 12).forEach(seed -> {
      FaultSchedule network = FaultSchedule.random(seed, n, 2000);
      KvWorkload workload = new KvWorkload(3);
      Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
          .withFaults(network.before()).withLoad(4, 30)
          .withShell(dir.resolve("seed-" + seed), ShellOptions.production()));
      sim.healNetworkAt(network.horizon(), new NetworkFaults(0, 0, 1, 10));
      int faulty = (int) Math.floorMod(seed, n);
      sim.makeByzantine(faulty, new RandomMutator(seed * 31 + faulty, 0.05 + (seed % 7) * 0.04, n));
      System.out.println("[adversary] shell byzantine seed=" + seed + " faulty=" + faulty
          + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        if (!r.allCompleted()) {
          failures.add("seed=" + seed + " faulty=" + faulty + ": liveness\n" + sim.describe());
        }
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        if (!lin.linearizable()) {
          failures.add("seed=" + seed + ": " + lin.explanation());
        }
      } catch (AssertionError | RuntimeException e) {
        failures.add("seed=" + seed + " faulty=" + faulty + ": " + e);
      } finally {
        sim.closeStorage();
      }
    });
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).as("failing seeds (replay with -Dsim.seed=N)").isEmpty();
  }
}
