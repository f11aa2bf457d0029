package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.ledger.LedgerService;
import dev.bft.core.sim.FaultSchedule;
import dev.bft.core.sim.LedgerWorkload;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.check.LedgerSupplyChecker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ledger under the Byzantine campaign of {@link ByzantineCampaignTest}: f random replicas
 * mutate their messages at random or run as Twins, over a random network fault schedule. Money is
 * neither created nor destroyed at any correct replica ({@link LedgerSupplyChecker}, after every
 * execution), besides every protocol invariant and liveness once the faults heal.
 */
class LedgerByzantineCampaignTest {

  static List<String> run(long base, int count) {
    List<String> failures = new ArrayList<>();
    for (int n : new int[] {4, 7}) {
      SimSeeds.seeds(base + n * 1_000_000L, count).forEach(seed -> {
        SplittableRandom random = new SplittableRandom(seed);
        FaultSchedule network = FaultSchedule.random(seed, n, 2000);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, () -> new LedgerService(4), new LedgerWorkload(6))
            .withFaults(network.before()).withLoad(4, 40));
        sim.healNetworkAt(network.horizon(), new dev.bft.core.sim.NetworkFaults(0, 0, 1, 10));
        LedgerSupplyChecker supply = new LedgerSupplyChecker(r -> !sim.isByzantine(r));
        sim.observe(supply);
        List<Integer> faulty = new ArrayList<>();
        while (faulty.size() < (n - 1) / 3) {
          int id = random.nextInt(n);
          if (faulty.contains(id)) {
            continue;
          }
          faulty.add(id);
          if (random.nextInt(4) == 0) {
            Set<Integer> audience = new HashSet<>();
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
        try {
          Simulation.Result r = sim.run();
          if (!r.allCompleted()) {
            failures.add("n=" + n + " seed=" + seed + " faulty=" + faulty + ": liveness\n" + sim.describe());
          }
          if (supply.checks() == 0) {
            failures.add("n=" + n + " seed=" + seed + ": the supply was never checked");
          }
        } catch (AssertionError | RuntimeException e) {
          failures.add("n=" + n + " seed=" + seed + " faulty=" + faulty + ": " + e);
        }
      });
    }
    return failures;
  }

  @Test
  void moneyIsConservedUnderRandomByzantineReplicas() {
    List<String> failures = run(300_000, 40);
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).as("failing seeds (replay with -Dsim.seed=N)").isEmpty();
  }

  @Test
  @Tag("campaign")
  void campaign() {
    int count = Integer.getInteger("sim.seeds", 10_000);
    List<String> failures = run(400_000, count);
    System.out.printf("[adversary] ledger byzantine campaign: %d seeds x 2 sizes, %d failed%n", count, failures.size());
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).isEmpty();
  }
}
