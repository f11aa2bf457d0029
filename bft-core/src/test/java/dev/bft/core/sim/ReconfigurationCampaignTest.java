package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.EpochEnd;
import dev.bft.core.sim.ReconfigurationPlan.Kind;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeds x {client change, replace, grow, shrink}: a reconfiguration submitted at a random instant
 * while up to f replicas of the first epoch crash and restart, pause or are cut off, over a lossy,
 * duplicating, reordering network that heals at the horizon. Every invariant of
 * {@link ReconfigurationSimulationTest} is checked. The default run tries a few seeds per kind;
 * {@code -Pcampaign} runs {@code -Dsim.seeds} (default 200) per kind and reports every failing
 * seed; {@code -Dsim.seed=N} replays one.
 */
class ReconfigurationCampaignTest {
  static List<String> runSeeds(long base, int count) {
    List<String> failures = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      SimSeeds.seeds(base + kind.ordinal() * 1_000_000L, count).forEach(seed -> {
        String failure = runOne(kind, seed);
        if (failure != null) {
          failures.add(failure);
        }
      });
    }
    return failures;
  }

  /** One seeded run; null if every invariant held, else what failed and how to replay it. */
  static String runOne(Kind kind, long seed) {
    int n = kind.firstN();
    FaultSchedule schedule = FaultSchedule.random(seed, n, 3000);
    long at = 50 + new SplittableRandom(seed).nextLong(2000);
    KvWorkload workload = new KvWorkload(3);
    Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
        .withFaults(schedule.before()).withLoad(5, 60));
    SimEpochs epochs = sim.reconfigure(ReconfigurationPlan.of(kind, at));
    schedule.applyTo(sim);
    String replay = kind + " at " + at + " seed=" + seed + " (replay: -Dsim.seed=" + seed
        + " -Dtest=ReconfigurationCampaignTest)";
    System.out.println("[sim] reconfiguration " + replay);
    try {
      Simulation.Result r = sim.run();
      if (!r.allCompleted()) {
        return replay + ": liveness (not every operation completed, or the next epoch did not start everywhere)\n    "
            + schedule + "\n" + sim.describe() + epochs.describe();
      }
      EpochEnd end = EpochEnd.fromResult(epochs.administratorResult());
      if (end == null || end.boundary() != epochs.start().sequence()) {
        return replay + ": the administrator was told " + end + ", the epoch started at " + epochs.start();
      }
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      if (!lin.linearizable()) {
        return replay + ": " + lin.explanation();
      }
      return null;
    } catch (AssertionError | RuntimeException e) {
      return replay + ": " + e + "\n    " + schedule + "\n" + sim.describe() + epochs.describe();
    }
  }

  @Test
  void aFewSeedsOfEachKindKeepEveryInvariant() {
    List<String> failures = runSeeds(30_000, 10);
    failures.forEach(f -> System.out.println("[sim] FAILED " + f));
    assertThat(failures).as("failing seeds (replay one with -Dsim.seed=N)").isEmpty();
  }

  @Test
  @Tag("campaign")
  void campaign() {
    int count = Integer.getInteger("sim.seeds", 200);
    long start = System.nanoTime();
    List<String> failures = runSeeds(40_000, count);
    System.out.printf("[sim] reconfiguration campaign: %d seeds x %d kinds in %.1f s, %d failed%n",
        SimSeeds.seeds(0, count).count(), Kind.values().length, (System.nanoTime() - start) / 1e9, failures.size());
    failures.forEach(f -> System.out.println("[sim] FAILED " + f));
    assertThat(failures).isEmpty();
  }
}
