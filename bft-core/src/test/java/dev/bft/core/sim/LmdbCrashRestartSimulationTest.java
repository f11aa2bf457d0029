package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas persist to real LMDB files and, when they crash at random points, come back with only
 * what LMDB holds (the service state of their last checkpoint, their log, their view). Every
 * invariant holds, including that no replica contradicts a vote it sent before its crash.
 */
class LmdbCrashRestartSimulationTest {
  @TempDir
  Path dir;

  @Test
  void replicasRestartedFromLmdbAtRandomPointsKeepEveryInvariant() {
    SimSeeds.seeds(70_000, 3).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3);
      ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(4), 0, 8, 2, 4, 8, 16, 400);
      java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
      Simulation sim = new Simulation(Simulation.Options.of(seed, 4, SnapshottingKv::new, workload)
          .withReplicaConfig(config).withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 40)
          .withLmdb(dir.resolve("seed-" + seed)));
      for (int k = 0; k < 4; k++) {
        int victim = random.nextInt(4);
        long at = 100 + k * 700 + random.nextLong(300);
        sim.crash(victim, at, at + 50 + random.nextLong(200));
      }
      System.out.println("[sim] lmdb crash-restart seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
        assertThat(sim.restartsFromStorage()).as("replicas really came back from LMDB").isPositive();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
      } finally {
        sim.closeStorage();
      }
    });
  }
}
