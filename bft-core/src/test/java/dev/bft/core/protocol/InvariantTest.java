package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.commit;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ViewChange;
import dev.bft.core.sim.AppendOnlyService;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each invariant of the core fires, naming replica, view and sequence, when this replica's own
 * state is corrupted in the way it guards against; the same fault arriving from a peer is a drop.
 */
class InvariantTest {
  private static final ReplicaConfig CONFIG = new ReplicaConfig(Q, 2, 4, 5, 2, 4, 8, 100);

  @Test
  void aCommitIsSentOnlyWithAPreparedCertificate() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch b = batch(request(1000, 1));
    fx.replica.onMessage(prePrepare(0, 1, b));
    // Corrupt the slot: a PREPARE of sequence 2 filed under sequence 1. The slot counts it (it
    // trusts what the replica files), the certificate does not.
    fx.replica.messageLog().slot(1).add(prepare(0, 2, b.digest(), 1));
    fx.effects.clear();
    assertThatThrownBy(() -> fx.replica.onMessage(prepare(0, 1, b.digest(), 3)))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 0, sequence 1")
        .hasMessageContaining("no prepared certificate");
    assertThat(fx.effects.broadcasts(Commit.class)).as("no COMMIT left").isEmpty();
  }

  @Test
  void theSameFaultFromAPeerIsADropNotAStop() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch b = batch(request(1000, 1));
    fx.replica.onMessage(prePrepare(0, 1, b));
    fx.replica.onMessage(prepare(0, 2, b.digest(), 1)); // a PREPARE for a slot with no PRE-PREPARE yet
    fx.replica.onMessage(prepare(0, 1, b.digest(), 0)); // from the primary
    fx.replica.onMessage(new PrePrepare(0, 3, b, 1, null)); // from a backup
    assertThat(fx.replica.drops().get(DropReason.FROM_PRIMARY)).isEqualTo(1);
    assertThat(fx.replica.drops().get(DropReason.NOT_FROM_PRIMARY)).isEqualTo(1);
    assertThat(fx.effects.broadcasts(Commit.class)).isEmpty();
  }

  @Test
  void sequenceNumbersExecuteInOrderEachExactlyOnce() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch first = batch(request(1000, 1));
    fx.commitAt(1, first);
    assertThat(fx.replica.lastExecuted()).isEqualTo(1);
    assertThatThrownBy(() -> fx.replica.execute(1, first))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 0, sequence 1")
        .hasMessageContaining("the next must be 2");
    assertThatThrownBy(() -> fx.replica.execute(3, batch(request(1001, 1))))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("sequence 3");
    assertThat(fx.effects.executed).containsExactly(1L);
  }

  @Test
  void theLogStaysInsideTheWindowAboveTheStableCheckpoint() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(prePrepare(0, 1, batch(request(1000, 1))));
    // Corrupt the watermark: h jumps past the stable checkpoint (0) with no state fetched.
    fx.replica.messageLog().advanceLowWatermark(4);
    assertThatThrownBy(() -> fx.replica.onMessage(prepare(0, 5, batch(request(1001, 1)).digest(), 1)))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 0, sequence 1")
        .hasMessageContaining("low watermark 4, stable checkpoint 0");
  }

  @Test
  void peersCannotPushTheLogOutOfItsWindow() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(prePrepare(0, 9, batch(request(1000, 1))));
    fx.replica.onMessage(prepare(0, 100, batch(request(1000, 1)).digest(), 1));
    fx.replica.onMessage(commit(0, 0, batch(request(1000, 1)).digest(), 1));
    assertThat(fx.replica.drops().get(DropReason.OUTSIDE_WINDOW)).isEqualTo(3);
    assertThat(fx.replica.logSize()).isZero();
  }

  @Test
  void aPrePrepareInASlotIsFromThePrimaryOfItsView() {
    // Storage that lies: it claims this replica accepted a PRE-PREPARE of view 0 from replica 3.
    PrePrepare forged = new PrePrepare(0, 1, batch(request(1000, 1)), 3, null);
    RecoveredState state = new RecoveredState(0, new ClientTable(),
        List.of(new LogRecord.EnteredView(0, false), new LogRecord.AcceptedPrePrepare(forged)));
    assertThatThrownBy(() -> Replica.recover(CONFIG, new AppendOnlyService(), new RecordingEffects(), state))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 0, sequence 1")
        .hasMessageContaining("from replica 3, not from the primary 0");
  }

  @Test
  void aSlotNeverChangesItsDigestWithinAView() {
    PrePrepare byDigest = prePrepare(0, 1, batch(request(1000, 1))).withoutBatch();
    PrePrepare other = prePrepare(0, 1, batch(request(1001, 1)));
    RecoveredState state = new RecoveredState(0, new ClientTable(),
        List.of(new LogRecord.AcceptedPrePrepare(byDigest), new LogRecord.AcceptedPrePrepare(other)));
    assertThatThrownBy(() -> Replica.recover(CONFIG, new AppendOnlyService(), new RecordingEffects(), state))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 0, sequence 1")
        .hasMessageContaining("a second PRE-PREPARE with another digest");
  }

  @Test
  void aNewViewInstallsOnlyWithTwoFPlusOneViewChanges() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onTimer(TimerId.VIEW_CHANGE); // now in view 1, changing
    List<ViewChange> two = List.of(ViewChangeRulesTest.vc(1, 1), ViewChangeRulesTest.vc(1, 2));
    NewViewPlan plan = NewViewPlan.compute(1, two, Q);
    assertThatThrownBy(() -> fx.replica.installNewView(plan, plan.prePrepares()))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 1")
        .hasMessageContaining("on 2 distinct VIEW-CHANGEs for it, 3 (2f + 1) needed");
    // Three VIEW-CHANGEs, one of them twice: still two distinct replicas.
    List<ViewChange> repeated = List.of(ViewChangeRulesTest.vc(1, 1), ViewChangeRulesTest.vc(1, 2),
        ViewChangeRulesTest.vc(1, 2));
    NewViewPlan padded = NewViewPlan.compute(1, repeated, Q);
    assertThatThrownBy(() -> fx.replica.installNewView(padded, padded.prePrepares()))
        .isInstanceOf(Invariant.Broken.class);
    assertThat(fx.replica.isViewChanging()).isTrue();
  }

  @Test
  void aNewViewProvenByTooFewViewChangesFromThePrimaryIsDropped() {
    ReplicaFixture fx = new ReplicaFixture(2);
    List<ViewChange> two = List.of(ViewChangeRulesTest.vc(1, 1), ViewChangeRulesTest.vc(1, 3));
    NewViewPlan plan = NewViewPlan.compute(1, two, Q);
    fx.replica.onMessage(new dev.bft.core.message.NewView(1, two, plan.prePrepares(), 1, null));
    assertThat(fx.replica.drops().get(DropReason.INVALID_NEW_VIEW)).isEqualTo(1);
    assertThat(fx.replica.view()).isZero();
  }

  @Test
  void viewsOnlyMoveUp() {
    ReplicaFixture fx = new ReplicaFixture(2);
    assertThatThrownBy(() -> fx.replica.enterViewChange(0))
        .isInstanceOf(Invariant.Broken.class)
        .hasMessageContaining("replica 2, view 0: entering view 0");
  }
}
