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
 * while the pipeline has room) replaces it once the view has run a checkpoint interval or requests
 * have waited through two view-change timeouts, and the same load finishes several times sooner:
 * with a batch delay, and with batches that close only on a drained pipeline (where the slow
 * primary issues one batch per delayed round).
 */
class SlowPrimaryReplacementTest {
  private static final long VIEW_CHANGE_TIMEOUT = 400;

  /**
   * Just under the view-change timer: a drained-pipeline primary issues one batch per hold, so the
   * backups' timer, restarted by each execution, sees the hold plus a round of the protocol.
   */
  private static long holdFor(long batchDelay) {
    return batchDelay == ReplicaConfig.UNTIL_DRAINED ? VIEW_CHANGE_TIMEOUT - 60 : VIEW_CHANGE_TIMEOUT - 10;
  }

  private static Simulation.Result run(long seed, int n, long batchDelay, long idleTimeout) {
    KvWorkload workload = new KvWorkload(3);
    ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(n), 0, 16, batchDelay, 8, 16, 64, VIEW_CHANGE_TIMEOUT, idleTimeout);
    Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
        .withReplicaConfig(config).withFaults(new NetworkFaults(0.0, 0.0, 1, 10)).withLoad(6, 40));
    int f = (n - 1) / 3;
    for (int k = 0; k < f; k++) {
      sim.makeByzantine(k, new SlowPrimary(holdFor(batchDelay)));
    }
    System.out.println("[adversary] slow primary n=" + n + " seed=" + seed + " batch delay=" + batchDelay + " idle=" + idleTimeout
        + " (replay: -Dsim.seed=" + seed + ")");
    Simulation.Result r = sim.run();
    assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
    LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
    assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    return r;
  }

  @Test
  void theIdleWatchReplacesASlowPrimaryTheViewChangeTimerNeverCatches() {
    for (long batchDelay : new long[] {2, ReplicaConfig.UNTIL_DRAINED}) {
      for (int n : new int[] {4, 7}) {
        for (long seed : SimSeeds.seeds(70_000 + n, 2).toArray()) {
          expectReplaced(seed, n, batchDelay);
        }
      }
    }
  }

  private static void expectReplaced(long seed, int n, long batchDelay) {
    Simulation.Result unwatched = run(seed, n, batchDelay, 1_000_000);
    Simulation.Result watched = run(seed, n, batchDelay, ReplicaConfig.defaultIdleTimeout(VIEW_CHANGE_TIMEOUT));
    System.out.println("[adversary] slow primary n=" + n + " seed=" + seed + " batch delay=" + batchDelay + ": "
        + unwatched.ticks() + " ticks unwatched, " + watched.ticks() + " watched");
    assertThat(unwatched.views()).as("without the watch the slow primary stays, seed %d", seed).containsOnly(0L);
    assertThat(LongStream.of(watched.views()).skip(n / 3).min().orElseThrow())
        .as("with it the correct replicas moved past the slow primaries, seed %d", seed)
        .isGreaterThanOrEqualTo(n / 3);
    // The watch lets the view warm up first (16 sequence numbers, or two view-change timeouts). At one
    // batch per hold, the count alone took about twice as long as the time (n = 7: 2.2x sooner, not 4).
    int sooner = batchDelay == ReplicaConfig.UNTIL_DRAINED ? 4 : 2;
    assertThat(watched.ticks() * sooner).as("and the load finished at least %dx sooner, seed %d: %d vs %d ticks",
        sooner, seed, watched.ticks(), unwatched.ticks()).isLessThan(unwatched.ticks());
  }
}
