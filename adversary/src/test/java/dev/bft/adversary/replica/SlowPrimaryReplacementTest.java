package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A primary that holds every PRE-PREPARE back just under the view-change timeout is never caught by
 * that timer; the backups' idle watch (a request they know of, no PRE-PREPARE for a whole round
 * while the pipeline has room) replaces it once the view has run a checkpoint interval, and the
 * same load finishes several times sooner.
 */
class SlowPrimaryReplacementTest {
  private static final long VIEW_CHANGE_TIMEOUT = 400;

  private static Simulation.Result run(long seed, int n, long idleTimeout) {
    KvWorkload workload = new KvWorkload(3);
    ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(n), 0, 16, 2, 8, 16, 64, VIEW_CHANGE_TIMEOUT, idleTimeout);
    Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
        .withReplicaConfig(config).withFaults(new NetworkFaults(0.0, 0.0, 1, 10)).withLoad(6, 40));
    int f = (n - 1) / 3;
    for (int k = 0; k < f; k++) {
      sim.makeByzantine(k, new SlowPrimary(VIEW_CHANGE_TIMEOUT - 10));
    }
    System.out.println("[adversary] slow primary n=" + n + " seed=" + seed + " idle=" + idleTimeout
        + " (replay: -Dsim.seed=" + seed + ")");
    Simulation.Result r = sim.run();
    assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
    LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
    assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    return r;
  }

  @Test
  void theIdleWatchReplacesASlowPrimaryTheViewChangeTimerNeverCatches() {
    for (int n : new int[] {4, 7}) {
      for (long seed : SimSeeds.seeds(70_000 + n, 2).toArray()) {
        Simulation.Result unwatched = run(seed, n, 1_000_000);
        Simulation.Result watched = run(seed, n, ReplicaConfig.defaultIdleTimeout(VIEW_CHANGE_TIMEOUT));
        System.out.println("[adversary] slow primary n=" + n + " seed=" + seed + ": " + unwatched.ticks()
            + " ticks unwatched, " + watched.ticks() + " watched");
        assertThat(unwatched.views()).as("without the watch the slow primary stays, seed %d", seed).containsOnly(0L);
        assertThat(LongStream.of(watched.views()).skip(n / 3).min().orElseThrow())
            .as("with it the correct replicas moved past the slow primaries, seed %d", seed)
            .isGreaterThanOrEqualTo(n / 3);
        // The watch waits for a checkpoint interval of the view (16 sequence numbers, at the slow pace) first.
        assertThat(watched.ticks() * 2).as("and the load finished at least 2x sooner, seed %d: %d vs %d ticks",
            seed, watched.ticks(), unwatched.ticks()).isLessThan(unwatched.ticks());
      }
    }
  }
}
