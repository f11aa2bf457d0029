package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.BatchReply;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.sim.check.LinearizabilityChecker;
import org.junit.jupiter.api.Test;

/**
 * NEW-VIEW names batches by digest: a replica that never saw a batch of the old view must fetch it
 * after the view change. Replica 3 loses every PRE-PREPARE of view 0; the primary of view 0
 * crashes once backups prepare sequence 5 or above
 * and replica 1 has executed something. View 1 re-issues the prepared batches by digest, and
 * with replica 0 gone its backups are 2 and 3, so nothing re-issued prepares (nor anything after
 * it executes at replica 3) unless replica 3 fetches the batches.
 */
class BatchFetchSimulationTest {

  /** What one run shows: replica 3's execution point, and replica 1's when the primary crashed. */
  record Outcome(Simulation.Result result, long executedAtCrash, long executedByReplica3, Simulation sim,
                 KvWorkload workload) {}

  static Outcome run(long seed, boolean fetchingWorks) {
    KvWorkload workload = new KvWorkload(3);
    Simulation.Options o = Simulation.Options.of(seed, 4, SnapshottingKv::new, workload)
        .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 40);
    // A run that stalls goes on to maxTicks: a tenth of the default is still hundreds of view-change timeouts.
    Simulation sim = new Simulation(new Simulation.Options(o.seed(), o.replicas(), o.clients(), o.operationsPerClient(),
        o.faults(), o.replicaConfig(), o.service(), o.workload(), 200_000, o.clientRetransmitTicks(), null));
    sim.loseMessages((from, to, m) -> (to == 3 && m instanceof PrePrepare pp && pp.view() == 0)
        || (!fetchingWorks && (m instanceof FetchBatch || m instanceof BatchReply)));
    long[] executedAtCrash = {-1};
    sim.observe(new SimObserver() {
      @Override
      public void persisted(int replica, LogRecord record, long now) {
        if (executedAtCrash[0] < 0 && replica != 0 && record instanceof LogRecord.SentPrepare p
            && p.prepare().sequence() >= 5 && sim.replicaCore(1).lastExecuted() > 0) {
          executedAtCrash[0] = sim.replicaCore(1).lastExecuted();
          sim.crashNow(0);
        }
      }
    });
    System.out.println("[sim] batch fetch (fetching " + (fetchingWorks ? "on" : "lost") + ") seed=" + seed
        + " (replay: -Dsim.seed=" + seed + ")");
    Simulation.Result r = sim.run();
    assertThat(executedAtCrash[0]).as("the primary crashed after sequences executed, seed %d", seed).isPositive();
    return new Outcome(r, executedAtCrash[0], sim.replicaCore(3).lastExecuted(), sim, workload);
  }

  @Test
  void aReplicaThatNeverSawTheBatchesFetchesThemAfterTheViewChange() {
    SimSeeds.seeds(91_000, 6).forEach(seed -> {
      Outcome o = run(seed, true);
      assertThat(o.result().allCompleted()).as("liveness, seed %d\n%s", seed, o.sim().describe()).isTrue();
      assertThat(o.sim().replicaCore(3).view()).as("a new view").isPositive();
      assertThat(o.executedByReplica3()).as("replica 3 executed what it only knew by digest, seed %d", seed)
          .isGreaterThanOrEqualTo(o.executedAtCrash());
      assertThat(o.sim().stateTransfersCompleted()).as("not by state transfer").isZero();
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(o.workload().finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }

  /** The control: the same runs with fetching lost leave replica 3 unable to execute anything. */
  @Test
  void withoutFetchingReplica3NeverExecutesWhatItLacks() {
    SimSeeds.seeds(91_000, 2).forEach(seed -> {
      Outcome o = run(seed, false);
      assertThat(o.executedByReplica3()).as("seed %d", seed).isLessThan(o.executedAtCrash());
    });
  }
}
