package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.commit;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.PrePrepare;
import org.junit.jupiter.api.Test;

/**
 * The primary (replica 0) cuts batches on size, on a drained pipeline, or on its batch timer; with a
 * linger, a drained pipeline waits (boundedly) for the clients of the last two batches.
 */
class PrimaryBatchingTest {
  // batches of up to 3, delay 5 ticks, at most 2 sequence numbers in flight
  final ReplicaFixture fx = new ReplicaFixture(new ReplicaConfig(Q, 0, 3, 5, 2, 4, 8, 100));

  private void commitAtPrimary(PrePrepare pp) {
    commitBatch(fx, pp);
  }

  @Test
  void withNothingInFlightARequestIsOrderedAtOnce() {
    fx.replica.onRequest(request(1000, 1), 10);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).singleElement().satisfies(pp -> {
      assertThat(pp.sequence()).isEqualTo(1);
      assertThat(pp.batch().size()).isEqualTo(1);
      assertThat(pp.batch().timestamp()).isEqualTo(10);
    });
  }

  @Test
  void whileBatchesAreInFlightAPartialBatchWaitsForItsTimer() {
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onRequest(request(1001, 1), 0);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).hasSize(1);
    assertThat(fx.effects.timersSet).contains(TimerId.BATCH);
    fx.replica.onTimer(TimerId.BATCH);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).hasSize(2);
  }

  @Test
  void waitingForTheDrainAPartialBatchClosesWhenTheBatchInFlightExecutesWithoutATimer() {
    ReplicaFixture drain = new ReplicaFixture(new ReplicaConfig(Q, 0, 3, ReplicaConfig.UNTIL_DRAINED, 2, 4, 8, 100));
    drain.replica.onRequest(request(1000, 1), 0);
    drain.replica.onRequest(request(1001, 1), 0);
    drain.replica.onRequest(request(1002, 1), 0);
    var issued = drain.effects.broadcasts(PrePrepare.class);
    assertThat(issued).as("room in the pipeline, but one batch in flight").hasSize(1);
    assertThat(drain.effects.timersSet).doesNotContain(TimerId.BATCH);
    commitBatch(drain, issued.get(0));
    assertThat(drain.effects.broadcasts(PrePrepare.class)).extracting(pp -> pp.batch().size()).containsExactly(1, 2);
  }

  @Test
  void waitingForTheDrainAFullBatchStillPipelines() {
    ReplicaFixture drain = new ReplicaFixture(new ReplicaConfig(Q, 0, 3, ReplicaConfig.UNTIL_DRAINED, 2, 4, 8, 100));
    for (int c = 1000; c <= 1003; c++) {
      drain.replica.onRequest(request(c, 1), 0);
    }
    assertThat(drain.effects.broadcasts(PrePrepare.class)).extracting(pp -> pp.batch().size()).containsExactly(1, 3);
  }

  @Test
  void aFullBatchClosesWithoutWaiting() {
    fx.replica.onRequest(request(1000, 1), 0);
    for (int c = 1001; c <= 1003; c++) {
      fx.replica.onRequest(request(c, 1), 0);
    }
    assertThat(fx.effects.broadcasts(PrePrepare.class)).extracting(pp -> pp.batch().size()).containsExactly(1, 3);
  }

  @Test
  void thePipelineDepthBoundsSequenceNumbersInFlight() {
    for (int c = 1000; c < 1010; c++) {
      fx.replica.onRequest(request(c, 1), 0);
    }
    var issued = fx.effects.broadcasts(PrePrepare.class);
    assertThat(issued).hasSize(2);
    assertThat(fx.replica.pendingRequests()).isEqualTo(10 - 1 - 3);
    commitAtPrimary(issued.get(0));
    assertThat(fx.effects.broadcasts(PrePrepare.class)).as("execution made room for one more").hasSize(3);
  }

  @Test
  void aRetransmittedRequestIsNotOrderedTwice() {
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onRequest(request(1000, 1), 0);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).hasSize(1);
    assertThat(fx.replica.drops().get(DropReason.DUPLICATE)).isEqualTo(1);
  }

  /** Executes {1000} and then {1001, 1002}: the last two batches hold three clients. */
  private static void twoBatchesOfThreeClients(ReplicaFixture fx) {
    fx.replica.onRequest(request(1000, 1), 0);
    fx.replica.onRequest(request(1001, 1), 0);
    fx.replica.onRequest(request(1002, 1), 0);
    var first = fx.effects.broadcasts(PrePrepare.class);
    assertThat(first).singleElement().satisfies(pp -> assertThat(pp.batch().size()).isEqualTo(1));
    commitBatch(fx, first.get(0));
    var second = fx.effects.broadcasts(PrePrepare.class);
    assertThat(second).as("the pipeline drained: the waiting two at once").hasSize(2);
    assertThat(second.get(1).batch().size()).isEqualTo(2);
    commitBatch(fx, second.get(1));
    fx.effects.clear();
  }

  private static void commitBatch(ReplicaFixture fx, PrePrepare pp) {
    for (int i = 1; i <= 2; i++) {
      fx.replica.onMessage(prepare(0, pp.sequence(), pp.digest(), i));
    }
    for (int i = 1; i <= 2; i++) {
      fx.replica.onMessage(commit(0, pp.sequence(), pp.digest(), i));
    }
  }

  @Test
  void withALingerADrainedPipelineWaitsUntilTheClientsOfTheLastTwoBatchesAreBack() {
    ReplicaFixture lingering = new ReplicaFixture(new ReplicaConfig(Q, 0, 8, 5, 2, 4, 8, 100).withBatchLinger(3));
    twoBatchesOfThreeClients(lingering);
    lingering.replica.onRequest(request(1000, 2), 0);
    lingering.replica.onRequest(request(1001, 2), 0);
    assertThat(lingering.effects.broadcasts(PrePrepare.class)).as("two of three back: waiting").isEmpty();
    assertThat(lingering.effects.timeouts(TimerId.BATCH)).as("for the linger, not the delay").containsExactly(3L);
    lingering.replica.onRequest(request(1002, 2), 0);
    assertThat(lingering.effects.broadcasts(PrePrepare.class)).singleElement()
        .satisfies(pp -> assertThat(pp.batch().size()).isEqualTo(3));
    assertThat(lingering.effects.cancelled(TimerId.BATCH)).isTrue();
  }

  @Test
  void theLingerEndsOnItsTimerWhenTheClientsDoNotComeBack() {
    ReplicaFixture lingering = new ReplicaFixture(new ReplicaConfig(Q, 0, 8, 5, 2, 4, 8, 100).withBatchLinger(3));
    twoBatchesOfThreeClients(lingering);
    lingering.replica.onRequest(request(1002, 2), 0);
    assertThat(lingering.effects.broadcasts(PrePrepare.class)).isEmpty();
    lingering.replica.onTimer(TimerId.BATCH);
    assertThat(lingering.effects.broadcasts(PrePrepare.class)).singleElement()
        .satisfies(pp -> assertThat(pp.batch().size()).isEqualTo(1));
  }

  @Test
  void afterAWaitInVainTheNextDrainedBatchClosesAtOnce() {
    ReplicaFixture lingering = new ReplicaFixture(new ReplicaConfig(Q, 0, 8, 5, 2, 4, 8, 100).withBatchLinger(3));
    twoBatchesOfThreeClients(lingering);
    lingering.replica.onRequest(request(1002, 2), 0);
    lingering.replica.onTimer(TimerId.BATCH); // none of the other two came back
    var inVain = lingering.effects.broadcasts(PrePrepare.class);
    assertThat(inVain).singleElement().satisfies(pp -> assertThat(pp.batch().size()).isEqualTo(1));
    assertThat(lingering.replica.lingerWaitsUnpaid()).isEqualTo(1);
    commitBatch(lingering, inVain.get(0)); // the last two batches: {1001, 1002}, {1002}
    lingering.effects.clear();
    lingering.replica.onRequest(request(1001, 2), 0);
    assertThat(lingering.effects.broadcasts(PrePrepare.class)).as("backed off: ordered without waiting").hasSize(1);
    assertThat(lingering.effects.timersSet).doesNotContain(TimerId.BATCH);
    assertThat(lingering.replica.lingerWaits()).isEqualTo(1);
  }

  @Test
  void withoutALingerADrainedPipelineOrdersAtOnceWhateverTheLastBatchesHeld() {
    twoBatchesOfThreeClients(fx);
    fx.replica.onRequest(request(1000, 2), 0);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).singleElement()
        .satisfies(pp -> assertThat(pp.batch().size()).isEqualTo(1));
    assertThat(fx.effects.timersSet).doesNotContain(TimerId.BATCH);
  }
  @Test
  void aBatchClosesBeforeItsRequestsExceedTheByteBudgetSoAPrePrepareFitsInAFrame() {
    ReplicaFixture big = new ReplicaFixture(new ReplicaConfig(Q, 0, 1000, 5, 2, 4, 8, 100));
    big.replica.onRequest(request(999, 1), 0); // in flight: later batches close when full, not drained
    byte[] op = new byte[64 << 10]; // the largest operation the wire accepts (WireLimits)
    for (int c = 1000; c < 1300; c++) {
      big.replica.onRequest(dev.bft.core.message.Request.unsigned(c, 1, false, op), 0);
    }
    var issued = big.effects.broadcasts(PrePrepare.class);
    assertThat(issued).hasSize(2);
    var batch = issued.get(1).batch();
    long bytes = batch.requests().stream().mapToLong(RequestQueue::encodedBytes).sum();
    assertThat(batch.size()).as("closed by bytes, not by count").isEqualTo(255).isLessThan(1000);
    assertThat(bytes).isLessThanOrEqualTo(RequestQueue.MAX_BATCH_BYTES)
        .isGreaterThan(RequestQueue.MAX_BATCH_BYTES - RequestQueue.encodedBytes(batch.requests().get(0)));
  }
}
