package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.commit;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.crypto.Digest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test per rule of docs/protocol.md, Normal case, against a backup (replica 1) of n = 4, view 0. */
class NormalCaseRulesTest {
  final ReplicaFixture fx = new ReplicaFixture(1);
  final Batch b = batch(request(1000, 1), request(1001, 1));

  @Nested
  class PrePrepareAcceptance {
    @Test
    void aValidPrePrepareIsPersistedBeforeThePrepareIsBroadcast() {
      fx.replica.onMessage(prePrepare(0, 1, b));
      assertThat(fx.effects.all).hasSize(3);
      assertThat(fx.effects.all.get(0)).isInstanceOf(LogRecord.AcceptedPrePrepare.class);
      assertThat(fx.effects.all.get(1)).isInstanceOf(LogRecord.SentPrepare.class);
      assertThat(fx.effects.broadcasts(Prepare.class)).singleElement()
          .satisfies(p -> {
            assertThat(p.digest()).isEqualTo(b.digest());
            assertThat(p.sequence()).isEqualTo(1);
            assertThat(p.sender()).isEqualTo(1);
          });
    }

    @Test
    void aPrePrepareNotFromThePrimaryIsDropped() {
      fx.replica.onMessage(new PrePrepare(0, 1, b, 2, null));
      assertThat(fx.effects.all).isEmpty();
      assertThat(fx.replica.drops().get(DropReason.NOT_FROM_PRIMARY)).isEqualTo(1);
    }

    @Test
    void aPrePrepareOfAnotherViewIsDropped() {
      fx.replica.onMessage(prePrepare(1, 1, b)); // primary of view 1 is replica 1 itself: not for us
      fx.replica.onMessage(prePrepare(4, 1, b)); // view 4's primary is 0, but we are in view 0
      assertThat(fx.effects.all).isEmpty();
      assertThat(fx.replica.drops().total()).isEqualTo(2);
    }

    @Test
    void sequenceNumbersOutsideTheWatermarksAreDropped() {
      long high = fx.replica.highWatermark();
      fx.replica.onMessage(prePrepare(0, 0, b));
      fx.replica.onMessage(prePrepare(0, high + 1, b));
      assertThat(fx.effects.all).isEmpty();
      assertThat(fx.replica.drops().get(DropReason.OUTSIDE_WINDOW)).isEqualTo(2);
      fx.replica.onMessage(prePrepare(0, high, b));
      assertThat(fx.effects.broadcasts(Prepare.class)).hasSize(1);
    }

    @Test
    void aSecondDigestForTheSameViewAndSequenceIsRejected() {
      Batch other = batch(request(1002, 1));
      fx.replica.onMessage(prePrepare(0, 1, b));
      fx.effects.clear();
      fx.replica.onMessage(prePrepare(0, 1, other));
      assertThat(fx.effects.all).isEmpty();
      assertThat(fx.replica.drops().get(DropReason.CONFLICTING_PRE_PREPARE)).isEqualTo(1);
    }
  }

  @Nested
  class Certificates {
    @Test
    void preparedNeedsTwoFPreparesFromDistinctBackups() {
      fx.replica.onMessage(prePrepare(0, 1, b));
      fx.effects.clear();
      // Own PREPARE (replica 1) counts as one; the primary's PREPARE must not count; a repeat must not.
      fx.replica.onMessage(prepare(0, 1, b.digest(), 0));
      fx.replica.onMessage(prepare(0, 1, b.digest(), 1));
      assertThat(fx.effects.broadcasts(Commit.class)).isEmpty();
      fx.replica.onMessage(prepare(0, 1, b.digest(), 2));
      assertThat(fx.effects.broadcasts(Commit.class)).singleElement()
          .satisfies(c -> assertThat(c.digest()).isEqualTo(b.digest()));
      assertThat(fx.replica.drops().get(DropReason.FROM_PRIMARY)).isEqualTo(1);
    }

    @Test
    void preparesForAnotherDigestDoNotCount() {
      fx.replica.onMessage(prePrepare(0, 1, b));
      fx.replica.onMessage(prepare(0, 1, Digest.sha256(new byte[] {1}), 2));
      fx.replica.onMessage(prepare(0, 1, Digest.sha256(new byte[] {1}), 3));
      assertThat(fx.effects.broadcasts(Commit.class)).isEmpty();
      // Replica 2 already voted; its second, different vote is equivocation and ignored.
      fx.replica.onMessage(prepare(0, 1, b.digest(), 2));
      assertThat(fx.effects.broadcasts(Commit.class)).isEmpty();
      assertThat(fx.replica.drops().get(DropReason.EQUIVOCATION)).isEqualTo(1);
    }

    /** A retransmitted vote arrives as new bytes (decoded again): it is a duplicate, not equivocation. */
    @Test
    void theSameVoteAgainIsADuplicateWhateverItsBytes() {
      fx.replica.onMessage(prePrepare(0, 1, b));
      fx.replica.onMessage(new Prepare(0, 1, b.digest(), 2, new dev.bft.core.message.WireForm(new byte[] {1}, new byte[] {2})));
      fx.replica.onMessage(new Prepare(0, 1, b.digest(), 2, new dev.bft.core.message.WireForm(new byte[] {1}, new byte[] {2})));
      assertThat(fx.replica.drops().get(DropReason.DUPLICATE)).isEqualTo(1);
      assertThat(fx.replica.drops().get(DropReason.EQUIVOCATION)).isZero();
    }

    @Test
    void committedLocalNeedsTwoFPlusOneCommits() {
      fx.replica.onMessage(prePrepare(0, 1, b));
      fx.replica.onMessage(prepare(0, 1, b.digest(), 2));
      fx.replica.onMessage(commit(0, 1, b.digest(), 2));
      assertThat(fx.effects.executed).as("own + one other = 2f, not enough").isEmpty();
      fx.replica.onMessage(commit(0, 1, b.digest(), 2));
      assertThat(fx.effects.executed).as("a repeated commit does not count twice").isEmpty();
      fx.replica.onMessage(commit(0, 1, b.digest(), 0));
      assertThat(fx.effects.executed).containsExactly(1L);
      assertThat(fx.effects.replies).hasSize(2);
    }

    @Test
    void messagesThatArriveBeforeThePrePrepareWaitAndThenCount() {
      fx.replica.onMessage(prepare(0, 1, b.digest(), 2));
      fx.replica.onMessage(prepare(0, 1, b.digest(), 3));
      fx.replica.onMessage(commit(0, 1, b.digest(), 0));
      fx.replica.onMessage(commit(0, 1, b.digest(), 2));
      assertThat(fx.effects.executed).isEmpty();
      fx.replica.onMessage(prePrepare(0, 1, b));
      assertThat(fx.effects.executed).containsExactly(1L);
    }
  }

  @Nested
  class Execution {
    @Test
    void batchesExecuteStrictlyInSequenceOrder() {
      Batch second = batch(request(1000, 2));
      fx.commitAt(2, second);
      assertThat(fx.effects.executed).as("sequence 1 has not committed").isEmpty();
      fx.commitAt(1, b);
      assertThat(fx.effects.executed).containsExactly(1L, 2L);
      assertThat(fx.replica.lastExecuted()).isEqualTo(2);
    }

    @Test
    void aRequestOrderedTwiceExecutesOnce() {
      fx.commitAt(1, b);
      fx.commitAt(2, batch(request(1000, 1)));
      assertThat(fx.effects.replies).hasSize(2);
      assertThat(fx.replica.lastExecuted()).isEqualTo(2);
    }

    @Test
    void theLastRequestGetsItsCachedReplyAndOlderOnesAreRefusedAsStale() {
      fx.commitAt(1, batch(request(1000, 5)));
      var reply = fx.effects.replies.get(0);
      fx.effects.clear();
      fx.replica.onRequest(request(1000, 5), 0);
      assertThat(fx.effects.replies).containsExactly(reply);
      fx.effects.clear();
      fx.replica.onRequest(request(1000, 4), 0);
      assertThat(fx.effects.replies).singleElement().satisfies(refusal -> {
        assertThat(refusal.refusal()).isTrue();
        assertThat(refusal.requestNumber()).isEqualTo(4);
        assertThat(refusal.laterExecuted()).as("the request that made it stale").isEqualTo(5);
        assertThat(refusal.result()).isEmpty();
      });
      assertThat(fx.effects.executed).as("nothing executes").isEmpty();
      assertThat(fx.replica.drops().get(DropReason.STALE_REQUEST)).isEqualTo(1);
    }

    @Test
    void aBackupForwardsANewRequestToThePrimaryAndStartsItsTimer() {
      fx.replica.onRequest(request(1000, 1), 0);
      assertThat(fx.effects.forwarded).hasSize(1);
      assertThat(fx.effects.timersSet).contains(TimerId.VIEW_CHANGE);
    }
  }

  @Nested
  class ByzantineInput {
    @Test
    void aSenderOutsideTheClusterIsDroppedNotThrown() {
      fx.replica.onMessage(prepare(0, 1, b.digest(), 17));
      fx.replica.onMessage(commit(0, 1, b.digest(), -3));
      assertThat(fx.effects.all).isEmpty();
      assertThat(fx.replica.drops().get(DropReason.UNKNOWN_SENDER)).isEqualTo(2);
    }
  }
}
