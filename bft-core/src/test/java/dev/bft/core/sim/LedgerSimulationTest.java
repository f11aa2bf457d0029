package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ledger.LedgerService;
import dev.bft.core.sim.check.LedgerSupplyChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger under the random fault schedules the key-value runs use (crashes, pauses, partitions,
 * a lossy network) and under crashes that restart from LMDB: at every correct replica, after every
 * execution, the balances add up to the deposits minus the withdrawals it executed
 * ({@link LedgerSupplyChecker}), besides every protocol invariant.
 */
class LedgerSimulationTest {
  @TempDir
  Path dir;

  /** Four buckets: checkpoints then transfer only some of them, and the checker's sums stay cheap. */
  static Supplier<ReplicatedService> ledger() {
    return () -> new LedgerService(4);
  }

  static List<String> runSeeds(long base, int count, Supplier<ReplicatedService> service) {
    List<String> failures = new ArrayList<>();
    for (int n : new int[] {4, 7}) {
      SimSeeds.seeds(base + n * 1_000_000L, count).forEach(seed -> {
        FaultSchedule schedule = FaultSchedule.random(seed, n, 3000);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, service, new LedgerWorkload(6))
            .withFaults(schedule.before()).withLoad(5, 60));
        LedgerSupplyChecker supply = new LedgerSupplyChecker(r -> !sim.isByzantine(r));
        sim.observe(supply);
        schedule.applyTo(sim);
        try {
          Simulation.Result r = sim.run();
          if (!r.allCompleted()) {
            failures.add("n=" + n + " seed=" + seed + ": liveness\n    " + schedule + "\n" + sim.describe());
          }
          if (supply.checks() == 0) {
            failures.add("n=" + n + " seed=" + seed + ": the supply was never checked");
          }
        } catch (AssertionError | RuntimeException e) {
          failures.add("n=" + n + " seed=" + seed + ": " + e + "\n    " + schedule);
        }
      });
    }
    return failures;
  }

  @Test
  void moneyIsConservedUnderRandomFaultSchedules() {
    List<String> failures = runSeeds(90_000, 8, ledger());
    failures.forEach(f -> System.out.println("[sim] FAILED " + f));
    assertThat(failures).as("failing seeds (replay one with -Dsim.seed=N)").isEmpty();
  }

  @Test
  void moneyIsConservedAcrossRestartsFromLmdbAndStateTransfer() {
    SimSeeds.seeds(91_000, 2).forEach(seed -> {
      ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(4), 0, 8, 2, 4, 8, 16, 400);
      java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
      Simulation sim = new Simulation(Simulation.Options.of(seed, 4, ledger(), new LedgerWorkload(4))
          .withReplicaConfig(config).withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 60)
          .withLmdb(dir.resolve("seed-" + seed)));
      LedgerSupplyChecker supply = new LedgerSupplyChecker(r -> !sim.isByzantine(r));
      sim.observe(supply);
      for (int k = 0; k < 4; k++) {
        int victim = random.nextInt(4);
        long at = 100 + k * 700 + random.nextLong(300);
        sim.crash(victim, at, at + 50 + random.nextLong(600));
      }
      System.out.println("[sim] ledger lmdb crash-restart seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
        assertThat(sim.restartsFromStorage()).as("replicas really came back from LMDB").isPositive();
        assertThat(supply.checks()).isPositive();
      } finally {
        sim.closeStorage();
      }
    });
  }

  @Test
  void aLedgerThatLosesMoneyOnTransfersIsCaught() {
    long seed = SimSeeds.seeds(92_000, 1).findFirst().orElseThrow();
    Simulation sim = new Simulation(Simulation.Options.of(seed, 4, LeakyLedger::new, new LedgerWorkload(4)).withLoad(4, 40));
    sim.observe(new LedgerSupplyChecker(r -> !sim.isByzantine(r)));
    assertThatThrownBy(sim::run).isInstanceOf(InvariantViolation.class).hasMessageContaining("ledger-supply")
        .hasMessageContaining("balances add up to");
  }

  @Test
  @Tag("campaign")
  void campaign() {
    int count = Integer.getInteger("sim.seeds", 1000);
    List<String> failures = runSeeds(93_000, count, ledger());
    System.out.printf("[sim] ledger campaign: %d seeds x 2 sizes, %d failed%n", count, failures.size());
    failures.forEach(f -> System.out.println("[sim] FAILED " + f));
    assertThat(failures).isEmpty();
  }
}
