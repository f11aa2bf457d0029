package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.EpochEnd;
import dev.bft.core.sim.FaultSchedule;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.ReconfigurationPlan;
import dev.bft.core.sim.ReconfigurationPlan.Kind;
import dev.bft.core.sim.SimEpochs;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeds x {client change, replace, grow, shrink} with Byzantine replicas placed at random among
 * the old group, the new group and both (at most f of each epoch's group), mutating their messages
 * at random (ByzzFuzz-like), on a random lossy network, with the reconfiguration submitted at a
 * random instant. Every reconfiguration invariant among the correct replicas, liveness once the
 * network heals, linearizability across the epochs. A few seeds by default;
 * {@code -Pcampaign -Dsim.seeds=N} for the long run, {@code -Dsim.seed=N} to replay one.
 */
class ReconfigurationByzantineCampaignTest {
  static List<String> run(long base, int count) {
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

  static String runOne(Kind kind, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = kind.firstN();
    FaultSchedule network = FaultSchedule.random(seed, n, 2000);
    KvWorkload workload = new KvWorkload(3);
    Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
        .withFaults(network.before()).withLoad(4, 40));
    sim.healNetworkAt(network.horizon(), new NetworkFaults(0, 0, 1, 10));
    long at = 50 + random.nextLong(1500);
    SimEpochs epochs = sim.reconfigure(ReconfigurationPlan.of(kind, at));
    TreeSet<Integer> nodes = new TreeSet<>();
    IntStream.range(0, n).forEach(nodes::add);
    IntStream.of(epochs.nextMembers()).forEach(nodes::add);
    List<Integer> faulty = new ArrayList<>();
    for (int tries = 0; tries < 8; tries++) {
      int node = List.copyOf(nodes).get(random.nextInt(nodes.size()));
      if (faulty.contains(node)) {
        continue;
      }
      try {
        sim.makeByzantine(node, new RandomMutator(seed * 31 + node, 0.05 + random.nextDouble() * 0.3, 7));
        faulty.add(node);
      } catch (IllegalArgumentException beyondF) {
        // that group has its f already
      }
    }
    String replay = kind + " at " + at + " seed=" + seed + " Byzantine nodes " + faulty + " (replay: -Dsim.seed=" + seed + ")";
    System.out.println("[adversary] reconfiguration " + replay);
    try {
      Simulation.Result r = sim.run();
      if (!r.allCompleted()) {
        return replay + ": liveness\n" + sim.describe() + epochs.describe();
      }
      if (EpochEnd.fromResult(epochs.administratorResult()) == null) {
        return replay + ": the administrator was not told the epoch's end";
      }
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      return lin.linearizable() ? null : replay + ": " + lin.explanation();
    } catch (AssertionError | RuntimeException e) {
      return replay + ": " + e + "\n" + sim.describe() + epochs.describe();
    }
  }

  @Test
  void aFewRandomByzantineReconfigurationsKeepEveryInvariant() {
    List<String> failures = run(300_000, 5);
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).as("failing seeds (replay with -Dsim.seed=N)").isEmpty();
  }

  @Test
  @Tag("campaign")
  void campaign() {
    int count = Integer.getInteger("sim.seeds", 200);
    long start = System.nanoTime();
    List<String> failures = run(400_000, count);
    System.out.printf("[adversary] reconfiguration campaign: %d seeds x %d kinds in %.1f s, %d failed%n",
        SimSeeds.seeds(0, count).count(), Kind.values().length, (System.nanoTime() - start) / 1e9, failures.size());
    failures.forEach(f -> System.out.println("[adversary] FAILED " + f));
    assertThat(failures).isEmpty();
  }
}
