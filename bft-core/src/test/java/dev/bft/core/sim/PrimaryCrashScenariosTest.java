package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.LogRecord;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The primary of view 0 crashes for good at a chosen point of the protocol. The others must move to
 * a new view, lose nothing that committed (agreement is checked at every step, linearizability of
 * the clients' key-value history at the end), and complete every request.
 */
class PrimaryCrashScenariosTest {

  /** When the primary dies. The trigger sees (replica, record) as records are persisted. */
  enum Moment {
    BEFORE_ANY_PRE_PREPARE((replica, record) -> false),
    AFTER_SOME_BACKUPS_PREPARED((replica, record) -> replica != 0 && record instanceof LogRecord.SentPrepare p
        && p.prepare().sequence() >= 5),
    AFTER_SOME_COMMITTED((replica, record) -> replica != 0 && record instanceof LogRecord.SentCommit c
        && c.commit().sequence() >= 5),
    DURING_A_CHECKPOINT((replica, record) -> false);

    final BiFunction<Integer, LogRecord, Boolean> trigger;

    Moment(BiFunction<Integer, LogRecord, Boolean> trigger) {
      this.trigger = trigger;
    }
  }

  @ParameterizedTest
  @EnumSource(Moment.class)
  void thePrimaryCrashesAndNothingCommittedIsLost(Moment moment) {
    for (int n : new int[] {4, 7}) {
      SimSeeds.seeds(50_000 + moment.ordinal() * 100 + n, 4).forEach(seed -> {
        KvWorkload workload = new KvWorkload(3);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
            .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(5, 60));
        boolean[] crashed = {false};
        if (moment == Moment.BEFORE_ANY_PRE_PREPARE) {
          sim.crash(0, 0, Long.MAX_VALUE / 2);
          crashed[0] = true;
        }
        sim.observe(new SimObserver() {
          @Override
          public void persisted(int replica, LogRecord record, long now) {
            if (!crashed[0] && moment.trigger.apply(replica, record)) {
              crashed[0] = true;
              sim.crashNow(0);
            }
          }

          @Override
          public void checkpointTaken(int replica, long sequence, long now) {
            if (!crashed[0] && moment == Moment.DURING_A_CHECKPOINT && replica == 0) {
              crashed[0] = true;
              sim.crashNow(0);
            }
          }
        });
        System.out.println("[sim] primary crash " + moment + " n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
        Simulation.Result r = sim.run();
        assertThat(crashed[0]).as("the crash happened").isTrue();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
        assertThat(sim.replicaCore(1).view()).as("a new view").isPositive();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
      });
    }
  }
}
