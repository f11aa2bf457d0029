package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Request;
import dev.bft.core.message.ViewChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The primary's timestamp (docs/protocol.md, The primary's timestamp): what a backup accepts, what
 * a primary stamps, and why the batches of a view change are not judged by it (n = 4, f = 1).
 */
class TimestampRulesTest {
  static final long SKEW = 1_000;
  static final long NOW = 1_000_000;

  static ReplicaFixture replica(int id) {
    return new ReplicaFixture(new ReplicaConfig(Q, id, 4, 5, 2, 4, 8, 100).withTimestampSkew(SKEW));
  }

  /** With a checkpoint after every sequence number, so an executed slot leaves the log at once. */
  static ReplicaFixture checkpointingEverySequence(int id) {
    return new ReplicaFixture(new ReplicaConfig(Q, id, 4, 5, 2, 1, 8, 100).withTimestampSkew(SKEW));
  }

  static Batch stamped(long timestamp, Request... requests) {
    return Batch.of(List.of(requests), timestamp);
  }

  static long timestampDrops(ReplicaFixture fx) {
    return fx.replica.drops().get(DropReason.TIMESTAMP_SKEWED) + fx.replica.drops().get(DropReason.TIMESTAMP_BACKWARDS);
  }

  static NewView newView(List<PreparedProof> prepared) {
    List<ViewChange> vcs = List.of(new ViewChange(1, 0, List.of(), prepared, 0, null),
        ViewChangeRulesTest.vc(1, 2), ViewChangeRulesTest.vc(1, 3));
    return new NewView(1, vcs, NewViewPlan.compute(1, vcs, Q).prePrepares(), 1, null);
  }

  @Test
  void aTimestampWithinTheSkewEitherWayIsAccepted() {
    ReplicaFixture fx = replica(2);
    fx.replica.onMessage(prePrepare(0, 1, stamped(NOW - SKEW, request(1000, 1))), NOW);
    fx.replica.onMessage(prePrepare(0, 2, stamped(NOW + SKEW, request(1001, 1))), NOW);
    assertThat(fx.effects.broadcasts(Prepare.class)).hasSize(2);
    assertThat(timestampDrops(fx)).isZero();
  }

  @Test
  void aTimestampFurtherAheadThanTheSkewIsRefusedCountedAndTheViewChangeTimerWatchesItsRequests() {
    ReplicaFixture fx = replica(2);
    fx.replica.onMessage(prePrepare(0, 1, stamped(NOW + SKEW + 1, request(1000, 1))), NOW);
    assertThat(fx.effects.broadcasts(Prepare.class)).isEmpty();
    assertThat(fx.effects.persisted).as("nothing of it is kept").isEmpty();
    assertThat(fx.replica.drops().get(DropReason.TIMESTAMP_SKEWED)).isEqualTo(1);
    assertThat(fx.effects.timersSet).as("the primary is suspected").contains(TimerId.VIEW_CHANGE);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).as("the batch never executes: the backup moves on").isEqualTo(1);
  }

  @Test
  void aTimestampFurtherBehindThanTheSkewGetsNoPrepareHereYetExecutesOnTheOthersCertificate() {
    // A backup that lags (restarted, partitioned) is sent old PRE-PREPAREs again: the others
    // judged them when they were new, and their PREPAREs and COMMITs carry it through.
    ReplicaFixture fx = replica(2);
    Batch old = stamped(NOW - SKEW - 1, request(1000, 1));
    PrePrepare pp = prePrepare(0, 1, old);
    fx.replica.onMessage(pp, NOW);
    assertThat(fx.effects.broadcasts(Prepare.class)).as("this backup does not vouch for the timestamp").isEmpty();
    assertThat(fx.replica.drops().get(DropReason.TIMESTAMP_SKEWED)).isEqualTo(1);
    assertThat(fx.effects.timersSet).as("an old PRE-PREPARE sent again to a lagging backup").doesNotContain(TimerId.VIEW_CHANGE);
    fx.replica.onMessage(ReplicaFixture.prepare(0, 1, pp.digest(), 1), NOW);
    fx.replica.onMessage(ReplicaFixture.prepare(0, 1, pp.digest(), 3), NOW);
    assertThat(fx.effects.broadcasts(dev.bft.core.message.Commit.class)).as("prepared by the others").hasSize(1);
    fx.replica.onMessage(ReplicaFixture.commit(0, 1, pp.digest(), 1), NOW);
    fx.replica.onMessage(ReplicaFixture.commit(0, 1, pp.digest(), 3), NOW);
    assertThat(fx.effects.executed).containsExactly(1L);
  }

  @Test
  void aBatchWithAnOldTimestampThatNoCorrectBackupPreparesNeverExecutes() {
    // A primary that stamps old times gets no PREPARE from a correct backup: with only f + 1 of
    // them short of the certificate, the batch waits, and the clients' retries suspect the primary.
    ReplicaFixture fx = replica(2);
    PrePrepare pp = prePrepare(0, 1, stamped(NOW - SKEW - 1, request(1000, 1)));
    fx.replica.onMessage(pp, NOW);
    fx.replica.onMessage(ReplicaFixture.prepare(0, 1, pp.digest(), 3), NOW);
    assertThat(fx.effects.broadcasts(dev.bft.core.message.Commit.class)).isEmpty();
    fx.replica.onRequest(request(1000, 1), NOW);
    assertThat(fx.effects.timersSet).as("the client's retry is watched").contains(TimerId.VIEW_CHANGE);
    assertThat(fx.effects.executed).isEmpty();
  }

  @Test
  void aTimestampBelowABatchBeforeItIsRefusedAndAnEqualOneAccepted() {
    ReplicaFixture fx = replica(2);
    fx.replica.onMessage(prePrepare(0, 1, stamped(NOW, request(1000, 1))), NOW);
    fx.replica.onMessage(prePrepare(0, 2, stamped(NOW - 1, request(1001, 1))), NOW);
    assertThat(fx.replica.drops().get(DropReason.TIMESTAMP_BACKWARDS)).isEqualTo(1);
    fx.replica.onMessage(prePrepare(0, 2, stamped(NOW, request(1001, 1))), NOW);
    assertThat(fx.effects.broadcasts(Prepare.class)).as("two batches in one millisecond are not backwards").hasSize(2);
  }

  @Test
  void aTimestampAboveABatchAfterItThatArrivedFirstIsRefused() {
    ReplicaFixture fx = replica(2);
    fx.replica.onMessage(prePrepare(0, 2, stamped(NOW, request(1001, 1))), NOW);
    fx.replica.onMessage(prePrepare(0, 1, stamped(NOW + 1, request(1000, 1))), NOW);
    assertThat(fx.replica.drops().get(DropReason.TIMESTAMP_BACKWARDS)).isEqualTo(1);
    assertThat(fx.effects.broadcasts(Prepare.class)).hasSize(1);
  }

  @Test
  void aBatchExecutedInThisViewBoundsTheNextOneAfterItsSlotIsGone() {
    ReplicaFixture fx = checkpointingEverySequence(2);
    fx.commitAt(1, stamped(NOW, request(1000, 1)), NOW);
    var own = fx.effects.broadcasts(dev.bft.core.message.Checkpoint.class).get(0);
    fx.replica.onMessage(ReplicaFixture.checkpoint(1, own.stateDigest(), 0), NOW);
    fx.replica.onMessage(ReplicaFixture.checkpoint(1, own.stateDigest(), 1), NOW);
    assertThat(fx.replica.logSize()).as("the checkpoint is stable and slot 1 gone").isZero();
    fx.replica.onMessage(prePrepare(0, 2, stamped(NOW - 1, request(1001, 1))), NOW);
    assertThat(fx.replica.drops().get(DropReason.TIMESTAMP_BACKWARDS)).isEqualTo(1);
  }

  @Test
  void aNewViewsReProposedBatchesKeepTheirOldTimestampsAndTheNullRequestItsZero() {
    ReplicaFixture fx = replica(2);
    Batch old = stamped(7, request(1000, 1)); // stamped long ago, far outside the skew of NOW
    fx.replica.onMessage(prePrepare(0, 2, old), 7);
    // Sequence 2 prepared in view 0; nothing did at 1: the NEW-VIEW re-proposes the null request there.
    fx.replica.onMessage(newView(List.of(NewViewPlanTest.cert(0, 2, old))), NOW);
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.effects.broadcasts(Prepare.class)).filteredOn(p -> p.view() == 1).hasSize(2);
    assertThat(timestampDrops(fx)).isZero();
  }

  @Test
  void aNewPrimaryIsJudgedAgainstTheBatchesOfItsViewNotTheOldViewsExecutedOnes() {
    ReplicaFixture fx = replica(2);
    fx.commitAt(1, stamped(NOW + 500, request(1000, 1)), NOW); // the old primary's clock ran ahead
    fx.replica.onMessage(newView(List.of()), NOW);
    fx.replica.onMessage(new PrePrepare(1, 2, stamped(NOW, request(1001, 1)), 1, null), NOW);
    assertThat(timestampDrops(fx)).as("a new primary cannot know what it never executed").isZero();
  }

  @Test
  void aPrimaryWhoseClockSteppedBackStampsNoEarlierThanItsLastBatch() {
    ReplicaFixture fx = replica(0);
    fx.replica.onRequest(request(1000, 1), NOW);
    fx.replica.onRequest(request(1001, 1), NOW - 300);
    fx.replica.onTimer(TimerId.BATCH); // a partial batch while one is in flight
    List<PrePrepare> issued = fx.effects.broadcasts(PrePrepare.class);
    assertThat(issued).hasSize(2);
    assertThat(issued.get(0).batch().timestamp()).isEqualTo(NOW);
    assertThat(issued.get(1).batch().timestamp()).isEqualTo(NOW);
  }

  @Test
  void aNewPrimaryStampsNoEarlierThanTheBatchesItReProposed() {
    ReplicaFixture fx = replica(1); // primary of view 1
    Batch ahead = stamped(NOW + 500, request(1000, 1));
    fx.replica.onMessage(prePrepare(0, 1, ahead), NOW);
    fx.replica.onMessage(newView(List.of(NewViewPlanTest.cert(0, 1, ahead))).viewChanges().get(0), NOW);
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 2), NOW);
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 3), NOW);
    assertThat(fx.replica.isPrimary()).isTrue();
    fx.effects.clear();
    fx.replica.onRequest(request(1001, 1), NOW);
    fx.replica.onTimer(TimerId.BATCH); // sequence 1 is in flight
    assertThat(fx.effects.broadcasts(PrePrepare.class)).singleElement()
        .satisfies(pp -> assertThat(pp.batch().timestamp()).isEqualTo(NOW + 500));
  }

  @Test
  void aNewPrimaryWaitsForAReProposedBatchItLacksBeforeStampingItsOwn() {
    ReplicaFixture fx = replica(1);
    Batch ahead = stamped(NOW + 500, request(1000, 1));
    fx.replica.onMessage(newView(List.of(NewViewPlanTest.cert(0, 1, ahead))).viewChanges().get(0), NOW);
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 2), NOW);
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 3), NOW);
    assertThat(fx.replica.isPrimary()).isTrue();
    fx.effects.clear();
    fx.replica.onRequest(request(1001, 1), NOW);
    fx.replica.onTimer(TimerId.BATCH);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).as("the timestamp of sequence 1 is not known yet").isEmpty();
    fx.replica.onMessage(new BatchReply(1, ahead, 0, null), NOW);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).singleElement()
        .satisfies(pp -> assertThat(pp.batch().timestamp()).isEqualTo(NOW + 500));
  }
}
