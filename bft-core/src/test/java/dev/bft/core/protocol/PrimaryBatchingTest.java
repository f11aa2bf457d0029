package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.commit;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.PrePrepare;
import org.junit.jupiter.api.Test;

/** The primary (replica 0) cuts batches on size, on a drained pipeline, or on its batch timer. */
class PrimaryBatchingTest {
  // batches of up to 3, delay 5 ticks, at most 2 sequence numbers in flight
  final ReplicaFixture fx = new ReplicaFixture(new ReplicaConfig(Q, 0, 3, 5, 2, 4, 8, 100));

  private void commitAtPrimary(PrePrepare pp) {
    for (int i = 1; i <= 2; i++) {
      fx.replica.onMessage(prepare(0, pp.sequence(), pp.digest(), i));
    }
    for (int i = 1; i <= 2; i++) {
      fx.replica.onMessage(commit(0, pp.sequence(), pp.digest(), i));
    }
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
}
