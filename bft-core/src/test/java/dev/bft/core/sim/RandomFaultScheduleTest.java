package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded random fault schedules (crashes, pauses, partitions of up to f replicas, a lossy network)
 * against n = 4, 7 and 10 running the key-value service with clients contending on three keys.
 * Every invariant is checked at every step; liveness after the faults heal; linearizability of
 * what the clients observed at the end.
 * The default run tries a few dozen seeds; {@code -Pcampaign} runs {@code -Dsim.seeds} (default
 * 1000) per configuration and reports every failing seed.
 */
class RandomFaultScheduleTest {
  private static final int[] SIZES = {4, 7, 10};

  static List<String> runSeeds(long base, int count) {
    List<String> failures = new ArrayList<>();
    for (int n : SIZES) {
      SimSeeds.seeds(base + n * 1_000_000L, count).forEach(seed -> {
        FaultSchedule schedule = FaultSchedule.random(seed, n, 3000);
        KvWorkload workload = new KvWorkload(3);
        Simulation.Options o = Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
            .withFaults(schedule.before()).withLoad(5, 60);
        Simulation sim = new Simulation(o);
        schedule.applyTo(sim);
        try {
          Simulation.Result r = sim.run();
          if (!r.allCompleted()) {
            failures.add("n=" + n + " seed=" + seed + ": liveness (not all operations completed)\n    " + schedule
                + "\n" + sim.describe());
          }
          LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
          if (!lin.linearizable()) {
            failures.add("n=" + n + " seed=" + seed + ": " + lin.explanation());
          }
        } catch (AssertionError | RuntimeException e) {
          failures.add("n=" + n + " seed=" + seed + ": " + e + "\n    " + schedule + "\n" + sim.describe());
        }
      });
    }
    return failures;
  }

  @Test
  void aFewDozenRandomSchedulesKeepEveryInvariant() {
    List<String> failures = runSeeds(10_000, 12);
    failures.forEach(f -> System.out.println("[sim] FAILED " + f));
    assertThat(failures).as("failing seeds (replay one with -Dsim.seed=N)").isEmpty();
  }

  @Test
  @Tag("campaign")
  void campaign() {
    int count = Integer.getInteger("sim.seeds", 1000);
    long start = System.nanoTime();
    List<String> failures = runSeeds(20_000, count);
    System.out.printf("[sim] campaign: %d seeds x %d sizes in %.1f s, %d failed%n", count, SIZES.length,
        (System.nanoTime() - start) / 1e9, failures.size());
    failures.forEach(f -> System.out.println("[sim] FAILED " + f));
    assertThat(failures).isEmpty();
  }
}
