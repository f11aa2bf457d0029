package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.FaultSchedule;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A randomized Byzantine campaign: f randomly chosen replicas either drop, duplicate, misdirect and
 * mutate their messages at random (ByzzFuzz-like) or run as Twins (two copies with one identity,
 * each talking to a random part of the cluster), on top of a random network fault schedule. Every
 * invariant among the correct replicas, liveness after the faults heal, and linearizability.
 * A couple of hundred seeds by default; {@code -Pcampaign -Dsim.seeds=10000} for the long run.
 */
class ByzantineCampaignTest {

  static List<String> run(long base, int count) {
    List<String> failures = new ArrayList<>();
    for (int n : new int[] {4, 7}) {
      SimSeeds.seeds(base + n * 1_000_000L, count).forEach(seed -> {
        SplittableRandom random = new SplittableRandom(seed);
        FaultSchedule network = FaultSchedule.random(seed, n, 2000);
        KvWorkload workload = new KvWorkload(3);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
            .withFaults(network.before()).withLoad(4, 40));
        sim.healNetworkAt(network.horizon(), new dev.bft.core.sim.NetworkFaults(0, 0, 1, 10));
        int f = (n - 1) / 3;
        List<Integer> faulty = new ArrayList<>();
        while (faulty.size() < f) {
          int id = random.nextInt(n);
          if (!faulty.contains(id)) {
            faulty.add(id);
            if (random.nextInt(4) == 0) {
              // Twins: this faulty replica runs as two copies, each talking to a random half of the others
              java.util.Set<Integer> audience = new java.util.HashSet<>();
              for (int other = 0; other < n; other++) {
                if (other != id && random.nextBoolean()) {
                  audience.add(other);
                }
              }
              sim.makeTwins(id, audience);
            } else {
              sim.makeByzantine(id, new RandomMutator(seed * 31 + id, 0.05 + random.nextDouble() * 0.3, n));
            }
          }
        }
        try {
          Simulation.Result r = sim.run();
          if (!r.allCompleted()) {
            failures.add("n=" + n + " seed=" + seed + " faulty=" + faulty + ": liveness\n" + sim.describe());
          }
          LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
          if (!lin.linearizable()) {
            failures.add("n=" + n + " seed=" + seed + ": " + lin.explanation());
          }
        } catch (AssertionError | RuntimeException e) {
          failures.add("n=" + n + " seed=" + seed + " faulty=" + faulty + ": " + e);
        }
      });
    }
    return failures;
  }

  @Test
  void aFewHundredRandomByzantineRunsKeepEveryInvariant() {
    List<String> failures = run(100_000, 150);
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).as("failing seeds (replay with -Dsim.seed=N)").isEmpty();
  }

  @Test
  @Tag("campaign")
  void campaign() {
    int count = Integer.getInteger("sim.seeds", 10_000);
    long start = System.nanoTime();
    List<String> failures = run(200_000, count);
    System.out.printf("[adversary] byzantine campaign: %d seeds x 2 sizes in %.1f s, %d failed%n", count,
        (System.nanoTime() - start) / 1e9, failures.size());
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).isEmpty();
  }
}
