package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.commit;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.NewView;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NEW-VIEW names batches by digest (docs/protocol.md, View change): a replica lacking one fetches it
 * from those that vouched for it, PREPAREs only once it holds it, and executes only then (n = 4, f = 1).
 */
class BatchFetchRulesTest {
  static final Batch B = batch(request(1000, 1));
  static final Batch OTHER = batch(request(1001, 1));

  /** View 1 (primary 1) re-issues B at sequence 1 from replica 0's certificate, which backups 1 and 2 signed. */
  static NewView newViewReissuing(List<PreparedProof> prepared) {
    List<ViewChange> vcs = List.of(new ViewChange(1, 0, List.of(), prepared, 0, null),
        ViewChangeRulesTest.vc(1, 1), ViewChangeRulesTest.vc(1, 3));
    return new NewView(1, vcs, NewViewPlan.compute(1, vcs, Q).prePrepares(), 1, null);
  }

  static List<FetchBatch> fetches(RecordingEffects effects, int to) {
    return effects.sent.stream().filter(s -> s.to() == to && s.message() instanceof FetchBatch)
        .map(s -> (FetchBatch) s.message()).toList();
  }

  @Test
  void aBackupLackingABatchFetchesItFromAVoucherAndPreparesOnlyOnceItHoldsIt() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(newViewReissuing(List.of(NewViewPlanTest.cert(0, 1, B))));
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.effects.broadcasts(Prepare.class)).as("no PREPARE for a batch it does not hold").isEmpty();
    assertThat(fetches(fx.effects, 0)).as("asks replica 0, whose VIEW-CHANGE vouched for it").singleElement()
        .satisfies(f -> {
          assertThat(f.sequence()).isEqualTo(1);
          assertThat(f.digest()).isEqualTo(B.digest());
        });
    fx.effects.clear();

    fx.replica.onMessage(new BatchReply(1, B, 3, null)); // any replica may serve it
    assertThat(fx.effects.broadcasts(Prepare.class)).singleElement()
        .satisfies(p -> assertThat(p.digest()).isEqualTo(B.digest()));
    assertThat(fx.effects.persisted.get(0)).as("the batch is durable before the PREPARE leaves")
        .isInstanceOfSatisfying(LogRecord.AcceptedPrePrepare.class, a -> assertThat(a.prePrepare().batch()).isEqualTo(B));
  }

  @Test
  void aBackupHoldingTheBatchPreparesAtOnceAndTheNullRequestNeedsNoFetch() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(prePrepare(0, 2, B)); // accepted in view 0, so held
    fx.effects.clear();
    fx.replica.onMessage(newViewReissuing(List.of(NewViewPlanTest.cert(0, 2, B)))); // O: null at 1, B at 2
    assertThat(fx.effects.broadcasts(Prepare.class)).extracting(Prepare::sequence).containsExactly(1L, 2L);
    assertThat(fx.effects.sent).noneMatch(s -> s.message() instanceof FetchBatch);
  }

  @Test
  void aReplyThatDoesNotMatchTheDigestOrWasNotAskedForIsDroppedAndCounted() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(newViewReissuing(List.of(NewViewPlanTest.cert(0, 1, B))));
    fx.effects.clear();
    fx.replica.onMessage(new BatchReply(1, OTHER, 0, null));
    fx.replica.onMessage(new BatchReply(3, B, 0, null));
    assertThat(fx.effects.all).isEmpty();
    assertThat(fx.replica.drops().get(DropReason.BATCH_MISMATCH)).isEqualTo(1);
    assertThat(fx.replica.drops().get(DropReason.UNSOLICITED_BATCH)).isEqualTo(1);
    fx.replica.onMessage(new BatchReply(1, B, 0, null));
    assertThat(fx.effects.broadcasts(Prepare.class)).as("still fetching after the bad reply").hasSize(1);
  }

  @Test
  void aPeerThatNeverAnswersIsFollowedByTheNextEachStatusPeriod() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(newViewReissuing(List.of(NewViewPlanTest.cert(0, 1, B))));
    fx.replica.onTimer(TimerId.STATUS);
    fx.replica.onTimer(TimerId.STATUS);
    fx.replica.onTimer(TimerId.STATUS);
    List<Integer> asked = fx.effects.sent.stream().filter(s -> s.message() instanceof FetchBatch).map(s -> s.to()).toList();
    assertThat(asked).as("vouchers first (0, then signer 1), then the rest, round and round").containsExactly(0, 1, 3, 0);
  }

  @Test
  void aSlotCommittedOnADigestExecutesOnlyOnceItsBatchArrives() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(newViewReissuing(List.of(NewViewPlanTest.cert(0, 1, B))));
    fx.replica.onMessage(prepare(1, 1, B.digest(), 0));
    fx.replica.onMessage(prepare(1, 1, B.digest(), 3));
    for (int i : new int[] {0, 1, 3}) {
      fx.replica.onMessage(commit(1, 1, B.digest(), i));
    }
    assertThat(fx.effects.executed).isEmpty();
    fx.replica.onMessage(new BatchReply(1, B, 0, null));
    assertThat(fx.effects.executed).containsExactly(1L);
  }

  @Test
  void aReplicaServesBatchesItHoldsWithinAPerPeerBudget() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(prePrepare(0, 1, B));
    fx.effects.clear();
    fx.replica.onMessage(new FetchBatch(1, OTHER.digest(), 3, null));
    assertThat(fx.replica.drops().get(DropReason.UNKNOWN_BATCH)).isEqualTo(1);
    for (int i = 0; i <= BatchFetcher.ANSWERS_PER_PEER_PER_PERIOD; i++) {
      fx.replica.onMessage(new FetchBatch(1, B.digest(), 3, null));
    }
    assertThat(fx.effects.sent).hasSize(BatchFetcher.ANSWERS_PER_PEER_PER_PERIOD)
        .allSatisfy(s -> assertThat(s.message()).isEqualTo(new BatchReply(1, B, 2, null)));
    assertThat(fx.replica.drops().get(DropReason.FETCH_OVER_BUDGET)).isEqualTo(1);
    fx.replica.onTimer(TimerId.STATUS);
    fx.effects.clear();
    fx.replica.onMessage(new FetchBatch(1, B.digest(), 3, null));
    assertThat(fx.effects.sent).as("a new period, a new budget").hasSize(1);
  }

  @Test
  void aPrePrepareOutsideACertificateWithoutItsBatchIsDropped() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(prePrepare(0, 1, B).withoutBatch());
    assertThat(fx.effects.all).isEmpty();
    assertThat(fx.replica.drops().get(DropReason.MISSING_BATCH)).isEqualTo(1);
  }

  @Test
  void aRestartedReplicaFetchesWhatItStillLacks() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onMessage(newViewReissuing(List.of(NewViewPlanTest.cert(0, 1, B))));
    RecordingEffects after = new RecordingEffects();
    Replica restarted = Replica.recover(fx.replica.config(), new dev.bft.core.sim.AppendOnlyService(), after,
        new RecoveredState(0, new ClientTable(), fx.effects.persisted));
    restarted.start();
    restarted.onTimer(TimerId.STATUS);
    assertThat(after.sent).filteredOn(s -> s.message() instanceof FetchBatch).isNotEmpty();
    restarted.onMessage(new BatchReply(1, B, 0, null));
    assertThat(after.broadcasts(Prepare.class)).singleElement()
        .satisfies(p -> assertThat(p.digest()).isEqualTo(B.digest()));
  }

  /**
   * Large batches: answers stop once a period's byte budget is spent (beyond the first answer),
   * so they leave room on the link instead of overflowing it; the next period serves again.
   */
  @Test
  void answersAreBoundedInBytesPerPeerAndPeriod() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch large = batch(dev.bft.core.message.Request.unsigned(1000, 1, false, new byte[1_500_000]));
    fx.replica.onMessage(prePrepare(0, 1, large));
    fx.effects.clear();
    for (int i = 0; i < 4; i++) {
      fx.replica.onMessage(new FetchBatch(1, large.digest(), 3, null));
    }
    assertThat(fx.effects.sent).as("1.5 MiB each: the third passes at 3 MiB spent, the fourth finds 4.5").hasSize(3);
    assertThat(fx.replica.drops().get(DropReason.FETCH_OVER_BUDGET)).isEqualTo(1);
    fx.effects.clear();
    fx.replica.onTimer(TimerId.STATUS);
    fx.replica.onMessage(new FetchBatch(1, large.digest(), 3, null));
    assertThat(fx.effects.sent).filteredOn(s -> s.message() instanceof BatchReply).hasSize(1);
  }
}
