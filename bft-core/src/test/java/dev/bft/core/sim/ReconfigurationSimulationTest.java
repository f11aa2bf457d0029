package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.EpochEnd;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.sim.ReconfigurationPlan.Kind;
import dev.bft.core.sim.check.EpochChecker;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reconfiguration as part of a simulated run (docs/reconfiguration.md): an administrator submits a
 * change while clients work; the nodes of the next configuration take over and the others stop.
 * Every run checks, at every step, agreement per epoch and on the epoch's end, exactly-once across
 * epochs and that no core processes another epoch's message; at the end, that every operation
 * completed, the clients' history is linearizable across the epochs, and every replaced node stopped.
 * The named Byzantine scenarios are here; the random campaign is {@link ReconfigurationCampaignTest}.
 */
class ReconfigurationSimulationTest {
  static final int ADMIN = ReconfigurationPlan.ADMINS[0];

  static Simulation sim(long seed, ReconfigurationPlan plan, KvWorkload workload, NetworkFaults faults) {
    Simulation.Options o = Simulation.Options.of(seed, plan.kind().firstN(), SnapshottingKv::new, workload)
        .withFaults(faults).withLoad(4, 60);
    Simulation sim = new Simulation(o);
    sim.reconfigure(plan);
    return sim;
  }

  /** Runs to the end and checks what only the end shows: liveness, the epoch moved, linearizability. */
  static EpochEnd runAndCheck(String name, Simulation sim, KvWorkload workload) {
    System.out.println("[sim] " + name + " seed=" + sim.options().seed() + " (replay: -Dsim.seed=" + sim.options().seed() + ")");
    Simulation.Result r = sim.run();
    SimEpochs epochs = sim.epochs();
    assertThat(r.allCompleted()).as("%s: liveness\n%s%s", name, sim.describe(), epochs.describe()).isTrue();
    EpochEnd end = EpochEnd.fromResult(epochs.administratorResult());
    assertThat(end).as("%s: the administrator was told the epoch's end", name).isNotNull();
    assertThat(epochs.start().sequence()).isEqualTo(end.boundary());
    assertThat(epochs.startedAt().keySet()).as("every member runs the next epoch")
        .containsExactlyInAnyOrder(java.util.stream.IntStream.of(epochs.nextMembers()).boxed().toArray(Integer[]::new));
    assertThat(epochs.stoppedAt().keySet()).as("every replaced node stopped").containsExactlyInAnyOrderElementsOf(epochs.leavers());
    LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
    assertThat(lin.linearizable()).as("%s: %s", name, lin.explanation()).isTrue();
    return end;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void eachKindOfReconfigurationUnderALossyNetwork(Kind kind) {
    SimSeeds.seeds(7_000 + kind.ordinal() * 100, 2).forEach(seed -> {
      KvWorkload w = new KvWorkload(3);
      Simulation sim = sim(seed, ReconfigurationPlan.of(kind, 100 + seed % 200), w, new NetworkFaults(0.02, 0.02, 1, 15));
      runAndCheck(kind + "", sim, w);
      SimEpochs epochs = sim.epochs();
      switch (kind) {
        case CLIENTS -> {
          int removed = Simulation.FIRST_CLIENT_ID;
          int enrolled = Simulation.FIRST_CLIENT_ID + 3;
          for (long n = 1; n < 500; n++) {
            assertThat(epochs.checker().epochExecuted(removed, n)).as("the removed client's request %d", n).isIn(-1L, 0L);
            assertThat(epochs.checker().epochExecuted(enrolled, n)).as("the enrolled client's request %d", n).isIn(-1L, 1L);
          }
          assertThat(epochs.refusedRequests()).as("requests of clients not enrolled were refused").isPositive();
        }
        case REPLACE -> {
          assertThat(epochs.leavers()).containsExactly(1);
          assertThat(epochs.nextMembers()).containsExactly(0, 4, 2, 3);
          assertThat(sim.stateTransfersCompleted()).as("the new node fetched the epoch's start").isPositive();
        }
        case GROW -> assertThat(epochs.nextMembers()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        case SHRINK -> assertThat(epochs.leavers()).containsExactly(4, 5, 6);
        default -> throw new IllegalStateException();
      }
    });
  }

  @org.junit.jupiter.api.Test
  void aSeedReplaysItsReconfigurationExactly() {
    String[] traces = new String[3];
    long[] seeds = {7_400, 7_400, 7_401};
    for (int run = 0; run < 3; run++) {
      KvWorkload w = new KvWorkload(3);
      Simulation sim = sim(seeds[run], ReconfigurationPlan.of(Kind.REPLACE, 200), w, new NetworkFaults(0.03, 0.03, 1, 20));
      sim.crash(2, 150, 900);
      System.out.println("[sim] replay seed=" + seeds[run] + " (replay: -Dsim.seed=" + seeds[run] + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("seed %d: liveness\n%s%s", seeds[run], sim.describe(), sim.epochs().describe()).isTrue();
      traces[run] = r.traceDigest();
    }
    assertThat(traces[1]).as("the same seed, the same run").isEqualTo(traces[0]);
    assertThat(traces[2]).as("another seed, another run").isNotEqualTo(traces[0]);
  }

  /** A new member asks a Byzantine node first for the epoch start's ordinary digest: the lie fails the binding. */
  @org.junit.jupiter.api.Test
  void aJoiningNodeCatchesAServerLyingAboutTheEpochsStart() {
    KvWorkload w = new KvWorkload(3);
    Simulation sim = sim(7_450, ReconfigurationPlan.of(Kind.REPLACE, 150), w, NetworkFaults.reliable());
    sim.makeByzantine(0, (self, to, m, now) -> List.of(new OutboundFilter.Outbound(to, m))); // the joiner asks node 0 first
    runAndCheck("lying state server", sim, w);
    assertThat(sim.epochs().liesCaught()).as("the lie was caught").isPositive();
  }

  /** (a) A Byzantine old primary orders requests after the reconfiguration, in its batch and the ones after. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Kind.class, names = {"CLIENTS", "GROW"})
  void aByzantineOldPrimaryOrderingAfterTheReconfigurationExecutesNothingThereAndItsClientsRetryInTheNextEpoch(Kind kind) {
    SimSeeds.seeds(7_500 + kind.ordinal() * 10, 2).forEach(seed -> {
      KvWorkload w = new KvWorkload(3);
      Simulation sim = sim(seed, ReconfigurationPlan.of(kind, 150), w, NetworkFaults.reliable());
      OrdersAfterReconfiguration primary = new OrdersAfterReconfiguration(ADMIN);
      sim.makeByzantine(0, primary);
      EpochEnd end = runAndCheck("Byzantine old primary, " + kind, sim, w);
      assertThat(primary.orderedAfter).as("the primary ordered requests after the reconfiguration").isNotEmpty();
      EpochChecker checker = sim.epochs().checker();
      int inNextEpoch = 0;
      for (Request r : primary.orderedAfter) {
        long epoch = checker.epochExecuted(r.clientId(), r.requestNumber());
        long at = checker.sequenceExecuted(r.clientId(), r.requestNumber());
        assertThat(epoch == 0 && at >= end.sequence()).as("request %d of client %d executed at %d in the old epoch, "
            + "which ended at %d", r.requestNumber(), r.clientId(), at, end.sequence()).isFalse();
        inNextEpoch += epoch == 1 ? 1 : 0;
      }
      assertThat(inNextEpoch).as("requests it ordered after the end executed in the next epoch").isPositive();
    });
  }

  /** (b) A Byzantine member of both groups replays old-epoch messages, as they were signed, to the new group. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Kind.class, names = {"REPLACE", "GROW"})
  void oldEpochMessagesReplayedToTheNextEpochAreDroppedAndCountedNeverProcessed(Kind kind) {
    SimSeeds.seeds(7_700 + kind.ordinal() * 10, 2).forEach(seed -> {
      KvWorkload w = new KvWorkload(3);
      Simulation sim = sim(seed, ReconfigurationPlan.of(kind, 150), w, new NetworkFaults(0.01, 0.01, 1, 10));
      sim.makeByzantine(3, (self, to, m, now) -> List.of(new OutboundFilter.Outbound(to, m)));
      sim.epochs().replayOldEpochMessages(3);
      runAndCheck("old-epoch replayer, " + kind, sim, w);
      assertThat(sim.epochs().replayed()).as("old-epoch messages were replayed").isPositive();
      long dropped = java.util.stream.IntStream.of(sim.epochs().nextMembers()).filter(n -> n != 3)
          .mapToLong(n -> sim.epochs().otherEpochDrops(n)).sum();
      assertThat(dropped).as("the new group's shells dropped them").isPositive();
    });
  }

  /** (c) The primary is cut off or crashes right after ordering the reconfiguration: the epoch ends in a view change. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"isolate", "crash"})
  void aReconfigurationDuringAViewChange(String fault) {
    for (Kind kind : new Kind[] {Kind.REPLACE, Kind.SHRINK}) {
      SimSeeds.seeds(7_900 + kind.ordinal() * 10, 2).forEach(seed -> {
        KvWorkload w = new KvWorkload(3);
        Simulation sim = sim(seed, ReconfigurationPlan.of(kind, 150), w, new NetworkFaults(0.01, 0.01, 1, 10));
        long[] faultAt = {-1};
        long[] viewAfterEnd = {0};
        sim.observe(new SimObserver() {
          @Override
          public void persisted(int replica, LogRecord record, long now) {
            if (replica == 0 && faultAt[0] < 0 && record instanceof LogRecord.AcceptedPrePrepare a && a.prePrepare().hasBatch()
                && a.prePrepare().batch().requests().stream().anyMatch(r -> r.clientId() == ADMIN)) {
              faultAt[0] = now;
              long ordered = a.prePrepare().sequence();
              // Its PRE-PREPARE of the reconfiguration gets out; the null batches it orders at once after it do not.
              sim.loseMessages((from, to, m) -> from == 0 && m instanceof dev.bft.core.message.PrePrepare p
                  && p.sequence() > ordered);
              if (fault.equals("crash")) {
                sim.crash(0, now, now + 1500);
              } else {
                sim.isolate(0, now, now + 1500);
              }
            }
          }

          @Override
          public void executed(int replica, long sequence, long view, long now) {
            if (faultAt[0] >= 0 && sim.epochs().start() == null) {
              viewAfterEnd[0] = Math.max(viewAfterEnd[0], view);
            }
          }
        });
        EpochEnd end = runAndCheck("reconfiguration during a view change (" + fault + "), " + kind, sim, w);
        assertThat(faultAt[0]).as("the primary ordered the reconfiguration").isNotNegative();
        if (end.sequence() < end.boundary()) {
          assertThat(viewAfterEnd[0]).as("a later view ordered the null batches up to the epoch checkpoint").isPositive();
        }
      });
    }
  }
}
