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

  /**
   * With every result above one byte sent in full by its designated replica only and by digest by
   * the others (reply.digest.bytes = 1), and half the gets read-only, the histories stay
   * linearizable and every operation completes, the lost full results made up for by retransmission.
   */
  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7})
  void historiesStayLinearizableWhenLargeResultsGoByDigest(int n) {
    SimSeeds.seeds(41_000 + n, 3).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3, 50);
      FaultSchedule schedule = FaultSchedule.random(seed, n, 2000);
      Simulation.Options options = Simulation.Options.of(seed, n, SnapshottingKv::new, workload);
      Simulation sim = new Simulation(options.withReplicaConfig(options.replicaConfig().withReplyDigestBytes(1))
          .withFaults(schedule.before()).withLoad(6, 60));
      schedule.applyTo(sim);
      long[] byDigest = {0};
      sim.loseMessages((from, to, message) -> {
        if (to < 0 && message instanceof dev.bft.core.message.Reply r && r.digestOnly()) {
          byDigest[0]++;
        }
        return false; // counts, loses nothing
      });
      System.out.println("[sim] kv by digest n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(byDigest[0]).as("results went by digest").isPositive();
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }
}
