package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.ViewChange;
import org.junit.jupiter.api.Test;

/**
 * A backup suspects a primary that leaves a request it knows of without a PRE-PREPARE for a whole
 * idle round while its pipeline had room (n = 4, f = 1, pipeline depth 2, idle rounds of 10 ticks).
 */
class PrimaryIdleRulesTest {
  private final ReplicaFixture fx = new ReplicaFixture(new ReplicaConfig(Q, 2, 4, 5, 2, 4, 8, 100, 10));

  /**
   * The watch waits until the view has executed a checkpoint interval (4 here): sequence numbers
   * 1-4 of other clients, and their checkpoint made stable, so the tests start from 5.
   */
  private void warmUp() {
    warmUp(fx);
  }

  private static void warmUp(ReplicaFixture fx) {
    for (long seq = 1; seq <= 4; seq++) {
      fx.commitAt(seq, batch(request(3000 + (int) seq, 1)));
    }
    dev.bft.crypto.Digest digest = fx.effects.broadcasts(dev.bft.core.message.Checkpoint.class).get(0).stateDigest();
    for (int from : new int[] {0, 1, 3}) {
      fx.replica.onMessage(ReplicaFixture.checkpoint(4, digest, from));
    }
    fx.effects.clear();
  }

  private void idleRound() {
    fx.replica.onTimer(TimerId.PRIMARY_IDLE);
  }

  private boolean suspected() {
    return !fx.effects.broadcasts(ViewChange.class).isEmpty();
  }

  @Test
  void aRequestLeftWithoutAPrePrepareForAWholeRoundMovesTheBackupToTheNextView() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    assertThat(fx.effects.timeouts(TimerId.PRIMARY_IDLE)).containsExactly(10L);
    idleRound(); // the request may have come just before the round ended
    assertThat(suspected()).isFalse();
    assertThat(fx.effects.timeouts(TimerId.PRIMARY_IDLE)).as("re-armed").containsExactly(10L, 10L);
    idleRound();
    assertThat(suspected()).isTrue();
    assertThat(fx.replica.view()).isEqualTo(1);
  }

  @Test
  void aPrePrepareWithTheRequestClearsIt() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    idleRound();
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1000, 1))));
    idleRound();
    assertThat(suspected()).isFalse();
    assertThat(fx.effects.timeouts(TimerId.PRIMARY_IDLE)).as("armed, re-armed once, then nothing left to watch")
        .hasSize(2);
  }

  @Test
  void aRetransmissionOfARequestAlreadyPrePreparedIsNotWatched() {
    warmUp();
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1000, 1))));
    fx.replica.onRequest(request(1000, 1), 0);
    assertThat(fx.effects.timeouts(TimerId.PRIMARY_IDLE)).isEmpty();
  }

  @Test
  void aFullPipelineExcusesThePrimary() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    idleRound();
    // Two sequence numbers in flight, none executed: the primary (depth 2) has no room.
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1001, 1))));
    fx.replica.onMessage(prePrepare(0, 6, batch(request(1002, 1))));
    idleRound();
    assertThat(suspected()).isFalse();
    idleRound(); // a round without room made again: now the request is overdue with room to spare
    assertThat(suspected()).isTrue();
  }

  @Test
  void withABatchDelayABatchInFlightIsNoExcuse() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1001, 1))));
    idleRound();
    idleRound(); // a whole round with no PRE-PREPARE: a primary with a batch timer would have cut one
    assertThat(suspected()).isTrue();
  }

  @Test
  void waitingForTheDrainABatchNotYetExecutedHereExcusesThePrimaryUntilItExecutes() {
    ReplicaFixture drain = new ReplicaFixture(new ReplicaConfig(Q, 2, 4, ReplicaConfig.UNTIL_DRAINED, 2, 4, 8, 100, 10));
    warmUp(drain);
    drain.replica.onRequest(request(1000, 1), 0);
    drain.replica.onMessage(prePrepare(0, 5, batch(request(1001, 1))));
    for (int round = 0; round < 6; round++) {
      drain.replica.onTimer(TimerId.PRIMARY_IDLE);
    }
    assertThat(drain.effects.broadcasts(ViewChange.class)).as("the primary waits for sequence 5 to execute").isEmpty();
    drain.commitAt(5, batch(request(1001, 1)));
    drain.replica.onTimer(TimerId.PRIMARY_IDLE);
    drain.replica.onTimer(TimerId.PRIMARY_IDLE);
    assertThat(drain.effects.broadcasts(ViewChange.class)).as("drained, and still no PRE-PREPARE for 1000").isNotEmpty();
  }

  @Test
  void aPrimaryThatTricklesOtherPrePreparesIsSuspectedAfterThePatienceRounds() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    long seq = 4;
    int rounds = 0;
    while (!suspected() && rounds < 20) {
      fx.commitAt(++seq, batch(request(2000 + (int) seq, 1)));
      idleRound();
      rounds++;
    }
    assertThat(suspected()).isTrue();
    // The first round end may have come just after the request; it is overdue at the next PATIENCE.
    assertThat(rounds).as("tolerated while other PRE-PREPAREs came").isEqualTo(1 + PrimaryIdleMonitor.PATIENCE);
  }

  @Test
  void aClientRacingAheadOfItsWaitingRequestIsNotRelayedNorBlamedOnThePrimary() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onRequest(request(1000, 2), 0); // a correct client never has two outstanding
    fx.replica.onRequest(request(1000, 3), 0);
    fx.replica.onRequest(request(1000, 1), 0); // a retransmission in the same STATUS period
    assertThat(fx.effects.forwarded).extracting(dev.bft.core.message.Request::requestNumber).containsExactly(1L);
    // The primary orders what it was given: the rest is not its fault.
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1000, 1))));
    idleRound();
    idleRound();
    assertThat(suspected()).isFalse();
    fx.replica.onTimer(TimerId.STATUS);
    fx.replica.onRequest(request(1000, 1), 0);
    assertThat(fx.effects.forwarded).as("relayed again in a new STATUS period").hasSize(2);
  }

  @Test
  void aViewThatHasNotExecutedACheckpointIntervalYetIsLeftToTheViewChangeTimer() {
    fx.replica.onRequest(request(1000, 1), 0);
    for (int i = 0; i < 5; i++) {
      idleRound();
    }
    assertThat(suspected()).as("a new or cold primary gets its start").isFalse();
    warmUp();
    fx.replica.onRequest(request(1001, 1), 0);
    idleRound();
    idleRound();
    assertThat(suspected()).as("once the view has run, the watch applies").isTrue();
  }

  @Test
  void aViewThatOrdersLittleIsJudgedOnceRequestsWaitedThroughTwoViewChangeTimeouts() {
    // Nothing executes (a slow primary issuing one batch per delayed round never fills the count);
    // each round brings a fresh client's request, since the watch forgives what waited in the grace.
    int rounds = 0;
    while (!suspected() && rounds < 100) {
      fx.replica.onRequest(request(1000 + rounds, 1), 0);
      idleRound();
      rounds++;
    }
    assertThat(suspected()).isTrue();
    assertThat(rounds).as("view-change timeout 100 ticks, idle rounds of 10")
        .isEqualTo(Replica.WARM_UP_TIMEOUTS * 100 / 10);
  }

  @Test
  void aNewViewWarmsUpAgain() {
    for (int round = 0; round < Replica.WARM_UP_TIMEOUTS * 100 / 10 - 1; round++) {
      fx.replica.onRequest(request(1000 + round, 1), 0);
      idleRound();
    }
    fx.replica.onRequest(request(999, 1), 0);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    var vcs = java.util.List.of(ViewChangeRulesTest.vc(1, 0), ViewChangeRulesTest.vc(1, 1), ViewChangeRulesTest.vc(1, 3));
    fx.replica.onMessage(new dev.bft.core.message.NewView(1, vcs, java.util.List.of(), 1, null));
    assertThat(fx.replica.isViewChanging()).as("view 1 installed; its rounds count from nothing").isFalse();
    fx.effects.clear();
    fx.replica.onRequest(request(998, 1), 0);
    idleRound();
    idleRound();
    assertThat(fx.effects.broadcasts(ViewChange.class)).as("view 1's primary gets its own start").isEmpty();
  }

  @Test
  void theNewViewStartsWithNothingWatched() {
    warmUp();
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onTimer(TimerId.VIEW_CHANGE);
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.effects.cancelled(TimerId.PRIMARY_IDLE)).isTrue();
  }
}
