package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.FaultSchedule;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import org.junit.jupiter.api.Test;

/**
 * {@link StaleReader}: "f replicas answering read-only requests with stale results cannot make a
 * client observe a non-linearizable history": a read-only result needs 2f + 1 matching replies, and
 * a correct replica answers a read only once it executed every sequence it sent a COMMIT for.
 * Without that wait (Replica.executeReadOnly), seed 93007 below reads a value a completed write
 * had replaced: the stale reader and two correct replicas that had not executed the write agreed.
 */
class StaleReadsTest {

  static Simulation cluster(long seed, KvWorkload workload) {
    return new Simulation(Simulation.Options.of(seed, 4, SnapshottingKv::new, workload)
        .withFaults(new NetworkFaults(0.02, 0.02, 1, 40)).withLoad(6, 60));
  }

  @Test
  void staleReadOnlyAnswersFromFReplicasLeaveTheHistoryLinearizable() {
    SimSeeds.seeds(93_000, 8).forEach(seed -> {
      KvWorkload workload = new KvWorkload(2, 100);
      Simulation sim = cluster(seed, workload);
      sim.makeByzantine(3, new StaleReader());
      System.out.println("[adversary] stale reads seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("seed %d: liveness\n%s", seed, sim.describe()).isTrue();
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }

  @Test
  void whenTheReadOnlyRepliesCannotAgreeTheOrderedFallbackGivesTheRightAnswer() {
    SimSeeds.seeds(93_050, 3).forEach(seed -> {
      KvWorkload workload = new KvWorkload(2, 100);
      // Slow links, but no losses: a lost message can leave a correct replica behind or alone in a
      // view change, and with replica 2 cut off below, ordered requests (2f + 1 matching replies)
      // would then wait for it.
      Simulation sim = new Simulation(Simulation.Options.of(seed, 4, SnapshottingKv::new, workload)
          .withFaults(new NetworkFaults(0, 0, 1, 40)).withLoad(6, 60));
      sim.makeByzantine(3, StaleReader.wrong());
      // Replica 2 is correct, but its replies never reach the clients: of the three others one lies
      // about every read, so no read gathers 2f + 1 matching replies.
      sim.loseMessages((from, to, message) -> from == 2 && to < 0);
      System.out.println("[adversary] stale reads, replica 2 cut from the clients, seed=" + seed
          + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("seed %d: liveness\n%s", seed, sim.describe()).isTrue();
      // Nearly every one: the liar's wrong answer can happen to equal what two lagging replicas still hold.
      assertThat(sim.readOnlyFallbacks()).as("reads went the ordered way").isGreaterThan(workload.readOnlyInvoked() / 2);
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }

  /**
   * A campaign: f stale readers at random replicas of n = 4 and 7 on a random network fault
   * schedule, half the gets read-only; every invariant, liveness after the faults heal, and
   * linearizability. {@code -Dsim.seeds=N} for more.
   */
  @Test
  void aCampaignOfStaleReadersOnAFaultyNetworkKeepsTheHistoriesLinearizable() {
    for (int n : new int[] {4, 7}) {
      int f = (n - 1) / 3;
      SimSeeds.seeds(94_000 + n * 1_000L, 10).forEach(seed -> {
        KvWorkload workload = new KvWorkload(3);
        FaultSchedule network = FaultSchedule.random(seed, n, 2000);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
            .withFaults(network.before()).withLoad(5, 40));
        sim.healNetworkAt(network.horizon(), new NetworkFaults(0, 0, 1, 10));
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        java.util.Set<Integer> liars = new java.util.TreeSet<>();
        while (liars.size() < f) {
          liars.add(random.nextInt(n));
        }
        liars.forEach(id -> sim.makeByzantine(id, new StaleReader()));
        System.out.println("[adversary] stale-reads campaign n=" + n + " liars=" + liars + " seed=" + seed
            + " (replay: -Dsim.seed=" + seed + ")");
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("n=%d seed %d: liveness\n%s", n, seed, sim.describe()).isTrue();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("n=%d seed %d: %s", n, seed, lin.explanation()).isTrue();
      });
    }
  }

}
