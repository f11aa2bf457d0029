package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.protocol.DropReason;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimObserver;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import org.junit.jupiter.api.Test;

/**
 * {@link SkewedTimestampPrimary}: "a primary that stamps its batches an hour ahead cannot make a
 * correct replica's service see that time": the backups refuse its PRE-PREPAREs (counted as
 * TIMESTAMP_SKEWED), change view, and every batch a correct replica executes is stamped within the
 * skew of the simulation's clock.
 */
class SkewedTimestampPrimaryTest {
  static final long HOUR = 3_600_000;

  @Test
  void theBackupsRefuseTheSkewedBatchesAndReplaceThePrimary() {
    SimSeeds.seeds(91_000, 3).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3);
      Simulation sim = new Simulation(Simulation.Options.of(seed, 4, SnapshottingKv::new, workload)
          .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(5, 50));
      sim.makeByzantine(0, new SkewedTimestampPrimary(HOUR));
      long[] latest = new long[1];
      long[] furthest = new long[1];
      sim.observe(new SimObserver() {
        @Override
        public void executedBatch(int replica, long sequence, Batch batch, long now) {
          if (!sim.isByzantine(replica) && !batch.isNull()) {
            latest[0] = Math.max(latest[0], batch.timestamp());
            furthest[0] = Math.max(furthest[0], Math.abs(batch.timestamp() - now));
          }
        }
      });
      System.out.println("[adversary] skewed-timestamp primary seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("seed %d: liveness\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.replicaCore(3).view()).as("the primary was replaced").isPositive();
      assertThat(sim.replicaCore(3).drops().get(DropReason.TIMESTAMP_SKEWED)).as("its batches were refused").isPositive();
      assertThat(latest[0]).as("batches executed at all").isPositive();
      assertThat(furthest[0]).as("no correct service saw a timestamp beyond the skew of its time")
          .isLessThanOrEqualTo(ReplicaConfig.DEFAULT_TIMESTAMP_SKEW_TICKS);
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }
}
