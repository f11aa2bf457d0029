package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ViewChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** View-change transitions of one replica, driven by hand-built events (n = 4, f = 1). */
class ViewChangeRulesTest {

  static ViewChange vc(long view, int from) {
    return new ViewChange(view, 0, List.of(), List.of(), from, null);
  }

  @Test
  void aTimedOutRequestMovesABackupToTheNextViewAndItSaysSoDurablyFirst() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onRequest(request(1000, 1), 0);
    fx.effects.clear();
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.replica.isViewChanging()).isTrue();
    assertThat(fx.effects.all.get(0)).isEqualTo(new LogRecord.EnteredView(1, true));
    assertThat(fx.effects.broadcasts(ViewChange.class)).singleElement()
        .satisfies(v -> assertThat(v.newView()).isEqualTo(1));
  }

  @Test
  void inViewChangeNormalCaseMessagesAreIgnored() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    fx.effects.clear();
    fx.replica.onMessage(new PrePrepare(1, 1, batch(request(1000, 1)), 1, null));
    assertThat(fx.effects.all).isEmpty();
    assertThat(fx.replica.drops().get(DropReason.IN_VIEW_CHANGE)).isEqualTo(1);
  }

  @Test
  void fFaultyReplicasAloneCannotForceAViewChangeButFPlusOneCan() {
    ReplicaFixture fx = new ReplicaFixture(3);
    fx.replica.onMessage(vc(1, 0));
    assertThat(fx.replica.view()).as("f = 1 vote").isZero();
    fx.replica.onMessage(vc(3, 2));
    assertThat(fx.replica.view()).as("f + 1 votes above: join the smallest").isEqualTo(1);
    assertThat(fx.effects.broadcasts(ViewChange.class)).singleElement()
        .satisfies(v -> assertThat(v.newView()).isEqualTo(1));
  }

  @Test
  void theNewPrimaryStartsTheViewWithTwoFPlusOneViewChangesAndReProposesWhatPrepared() {
    ReplicaFixture fx = new ReplicaFixture(1); // primary of view 1
    Batch b = batch(request(1000, 1));
    var prepared = NewViewPlanTest.cert(0, 1, b);
    fx.replica.onMessage(new ViewChange(1, 0, List.of(), List.of(prepared), 2, null));
    fx.replica.onMessage(vc(1, 3));
    assertThat(fx.replica.view()).as("joined on f + 1").isEqualTo(1);
    // own VIEW-CHANGE + the two others = 2f + 1: NEW-VIEW goes out, with O re-proposing sequence 1
    NewView nv = fx.effects.broadcasts(NewView.class).get(0);
    assertThat(nv.view()).isEqualTo(1);
    assertThat(nv.viewChanges()).hasSize(3);
    assertThat(nv.prePrepares()).singleElement().satisfies(pp -> {
      assertThat(pp.sequence()).isEqualTo(1);
      assertThat(pp.digest()).isEqualTo(b.digest());
    });
    assertThat(fx.replica.isViewChanging()).isFalse();
    assertThat(fx.replica.isPrimary()).isTrue();
  }

  @Test
  void aBackupAcceptsAValidNewViewAndPreparesItsPrePrepares() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch b = batch(request(1000, 1));
    fx.replica.onMessage(prePrepare(0, 1, b)); // it holds the batch (see BatchFetchRulesTest when it does not)
    fx.effects.clear();
    List<ViewChange> vcs = List.of(new ViewChange(1, 0, List.of(), List.of(NewViewPlanTest.cert(0, 1, b)), 0, null),
        vc(1, 1), vc(1, 3));
    NewViewPlan plan = NewViewPlan.compute(1, vcs, Q);
    fx.replica.onMessage(new NewView(1, vcs, plan.prePrepares(), 1, null));
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.replica.isViewChanging()).isFalse();
    assertThat(fx.effects.broadcasts(Prepare.class)).singleElement()
        .satisfies(p -> assertThat(p.digest()).isEqualTo(b.digest()));
  }

  @Test
  void aNewViewWhoseOSetDiffersFromTheRecomputedOneIsRejected() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch b = batch(request(1000, 1));
    Batch other = batch(request(1001, 1));
    List<ViewChange> vcs = List.of(new ViewChange(1, 0, List.of(), List.of(NewViewPlanTest.cert(0, 1, b)), 0, null),
        vc(1, 1), vc(1, 3));
    // The Byzantine new primary replaces the prepared batch with its own choice.
    fx.replica.onMessage(new NewView(1, vcs, List.of(new PrePrepare(1, 1, other, 1, null)), 1, null));
    // ... or drops it.
    fx.replica.onMessage(new NewView(1, vcs, List.of(), 1, null));
    // ... or proves nothing: only 2f VIEW-CHANGEs.
    fx.replica.onMessage(new NewView(1, vcs.subList(0, 2), List.of(prePrepare(1, 1, b)), 1, null));
    assertThat(fx.replica.view()).isZero();
    assertThat(fx.effects.all).isEmpty();
    assertThat(fx.replica.drops().get(DropReason.INVALID_NEW_VIEW)).isEqualTo(3);
  }

  @Test
  void eachViewChangeWithoutProgressDoublesTheTimeout() {
    ReplicaFixture fx = new ReplicaFixture(3); // neither primary of view 1 nor of view 2
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onTimer(TimerId.VIEW_CHANGE); // to view 1
    fx.replica.onMessage(vc(1, 0));
    fx.replica.onMessage(vc(1, 2)); // 2f + 1 for view 1: waits for NEW-VIEW with T
    fx.replica.onTimer(TimerId.VIEW_CHANGE); // no NEW-VIEW: to view 2
    fx.replica.onMessage(vc(2, 0));
    fx.replica.onMessage(vc(2, 1)); // waits with 2T
    assertThat(fx.replica.view()).isEqualTo(2);
    assertThat(fx.effects.timeouts(TimerId.VIEW_CHANGE)).containsSubsequence(100L, 100L, 200L);
  }

  @Test
  void withoutTwoFPlusOneReplicasInReachABackupSuspectsNoPrimaryAndLooksAgainLater() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onReach(3, true); // the shell reports links: only replicas 2 and 3 are in reach
    fx.replica.onRequest(request(1000, 1), 0);
    fx.effects.clear();
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).as("no view could prepare anything with two replicas").isZero();
    assertThat(fx.effects.broadcasts(ViewChange.class)).isEmpty();
    assertThat(fx.effects.timeouts(TimerId.VIEW_CHANGE)).as("looks again after a timeout").containsExactly(100L);

    fx.replica.onReach(0, true);
    fx.replica.onReach(3, false);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).as("replica 3's link went down again").isZero();

    fx.replica.onReach(1, true);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).as("2f + 1 in reach: the primary is suspect again").isEqualTo(1);
  }

  @Test
  void aShellThatNeverReportsLinksLeavesEveryReplicaInReach() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).isEqualTo(1);
  }
}
