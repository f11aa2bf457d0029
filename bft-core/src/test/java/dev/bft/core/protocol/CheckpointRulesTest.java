package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.checkpoint;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Checkpoint;
import dev.bft.crypto.Digest;
import org.junit.jupiter.api.Test;

/** Checkpoints every K = 4, window L = 8, at backup replica 1 of n = 4. */
class CheckpointRulesTest {
  final ReplicaFixture fx = new ReplicaFixture(1);

  private Digest executeUpTo(long last) {
    for (long s = fx.replica.lastExecuted() + 1; s <= last; s++) {
      fx.commitAt(s, batch(request(1000, s)));
    }
    return fx.effects.broadcasts(Checkpoint.class).stream()
        .filter(c -> c.sequence() == last).findFirst().orElseThrow().stateDigest();
  }

  @Test
  void aCheckpointIsTakenAfterEveryKthSequence() {
    executeUpTo(4);
    assertThat(fx.effects.broadcasts(Checkpoint.class)).extracting(Checkpoint::sequence).containsExactly(4L);
  }

  @Test
  void stableAtExactlyTwoFPlusOneMatchingVotesNotAtTwoF() {
    Digest d = executeUpTo(4);
    fx.replica.onMessage(checkpoint(4, d, 2));
    assertThat(fx.replica.stableCheckpoint()).as("own + one = 2f").isZero();
    fx.replica.onMessage(checkpoint(4, d, 3));
    assertThat(fx.replica.stableCheckpoint()).isEqualTo(4);
    assertThat(fx.replica.lowWatermark()).isEqualTo(4);
    assertThat(fx.replica.highWatermark()).isEqualTo(12);
    assertThat(fx.effects.persisted).last().isInstanceOf(LogRecord.StableCheckpoint.class);
  }

  @Test
  void mismatchedDigestsNeverStabilise() {
    Digest d = executeUpTo(4);
    Digest wrong = Digest.sha256(new byte[] {9});
    fx.replica.onMessage(checkpoint(4, wrong, 0));
    fx.replica.onMessage(checkpoint(4, wrong, 2));
    fx.replica.onMessage(checkpoint(4, wrong, 3));
    assertThat(fx.replica.stableCheckpoint()).isZero();
    assertThat(d).isNotEqualTo(wrong);
  }

  @Test
  void garbageCollectionRemovesExactlyWhatIsAtOrBelowTheStablePoint() {
    Digest d = executeUpTo(4);
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1001, 1))));
    fx.replica.onMessage(prePrepare(0, 6, batch(request(1002, 1))));
    assertThat(fx.replica.logSize()).isEqualTo(6);
    fx.replica.onMessage(checkpoint(4, d, 2));
    fx.replica.onMessage(checkpoint(4, d, 3));
    assertThat(fx.replica.logSize()).as("slots 5 and 6 remain").isEqualTo(2);
    fx.effects.clear();
    fx.replica.onMessage(prePrepare(0, 4, batch(request(1003, 1))));
    assertThat(fx.effects.all).as("at or below h is outside the window").isEmpty();
    fx.replica.onMessage(prePrepare(0, 12, batch(request(1003, 1))));
    assertThat(fx.effects.all).as("h + L is the last sequence accepted").isNotEmpty();
  }

  @Test
  void checkpointsOffTheIntervalOrAtOrBelowTheWindowAreDropped() {
    fx.replica.onMessage(checkpoint(3, Digest.ZERO, 2));
    fx.replica.onMessage(checkpoint(0, Digest.ZERO, 2));
    assertThat(fx.replica.drops().get(DropReason.BAD_CHECKPOINT_PROOF)).isEqualTo(1);
    assertThat(fx.replica.drops().get(DropReason.OUTSIDE_WINDOW)).isEqualTo(1);
  }

  @Test
  void twoFPlusOneVotesBeyondTheWindowMakeABehindReplicaFetchTheState() {
    Digest d = Digest.sha256(new byte[] {4});
    fx.replica.onMessage(checkpoint(16, d, 0));
    fx.replica.onMessage(checkpoint(16, d, 2));
    assertThat(fx.effects.fetches).as("2f votes are not a proof").isEmpty();
    fx.replica.onMessage(checkpoint(16, Digest.ZERO, 3));
    assertThat(fx.effects.fetches).as("a mismatching vote is not a proof either").isEmpty();
    fx.replica.onMessage(checkpoint(20, d, 3));
    fx.replica.onMessage(checkpoint(16, d, 3));
    assertThat(fx.effects.fetches).as("replica 3 voted at 16 only once").isEmpty();
    // replica 1 is this replica: a third matching vote must come from another sender
    var other = new ReplicaFixture(0);
    other.replica.onMessage(checkpoint(16, d, 1));
    other.replica.onMessage(checkpoint(16, d, 2));
    other.replica.onMessage(checkpoint(16, d, 3));
    assertThat(other.effects.fetches).containsExactly(16L);
    assertThat(other.replica.fetchingState()).isEqualTo(16);
  }
}
