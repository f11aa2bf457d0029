package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The linger's rule and its back-off, driven directly: each drained cut asks {@code hold}, then closes. */
class BatchLingerTest {
  static final long LINGER = 3;

  /** The last two executed batches held {@code clients} distinct clients. */
  private static BatchLinger afterBatchesOf(int clients) {
    BatchLinger linger = new BatchLinger(LINGER);
    List<Request> first = new ArrayList<>();
    List<Request> second = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      (c % 2 == 0 ? first : second).add(request(1000 + c, 1));
    }
    linger.executed(Batch.of(first, 0));
    linger.executed(Batch.of(second, 0));
    assertThat(linger.recentClients()).isEqualTo(clients);
    return linger;
  }

  /** One drained cut: asked with {@code from} pending, closed with {@code to}; true if it waited. */
  private static boolean cut(BatchLinger linger, int from, int to) {
    boolean waited = linger.hold(from) > 0;
    if (waited) {
      assertThat(linger.hold(to)).as("still waiting while fewer than the recent clients are back")
          .isEqualTo(to < linger.recentClients() ? LINGER : 0);
    }
    linger.closedDrained(waited ? to : from, false);
    return waited;
  }

  @Test
  void withoutALingerNothingWaits() {
    BatchLinger off = new BatchLinger(0);
    off.executed(Batch.of(List.of(request(1000, 1), request(1001, 1)), 0));
    assertThat(off.hold(1)).isZero();
  }

  @Test
  void aWaitForClientsThatComeBackPaysAndTheNextCutWaitsAgain() {
    BatchLinger linger = afterBatchesOf(30);
    for (int i = 0; i < 5; i++) {
      assertThat(cut(linger, 15, 30)).as("cut %d", i).isTrue();
    }
    assertThat(linger.waits()).isEqualTo(5);
    assertThat(linger.unpaidWaits()).isZero();
  }

  @Test
  void halfOfTheAwaitedRequestsIsEnoughToPay() {
    BatchLinger linger = afterBatchesOf(30);
    assertThat(cut(linger, 10, 20)).isTrue(); // 10 of the 20 awaited came before the timer
    assertThat(linger.unpaidWaits()).isZero();
    assertThat(cut(linger, 10, 19)).isTrue(); // 9 of 20: in vain
    assertThat(linger.unpaidWaits()).isEqualTo(1);
  }

  @Test
  void waitsInVainBackOffExponentiallyUpToTheCap() {
    BatchLinger linger = afterBatchesOf(20);
    List<Integer> skippedBetweenWaits = new ArrayList<>();
    int skipped = 0;
    for (int i = 0; i < 400; i++) {
      if (cut(linger, 1, 2)) { // an open-loop trickle: one more request per wait, of 19 awaited
        skippedBetweenWaits.add(skipped);
        skipped = 0;
      } else {
        skipped++;
      }
    }
    assertThat(skippedBetweenWaits.subList(0, 9)).containsExactly(0, 1, 2, 4, 8, 16, 32, 64, 64);
    assertThat(linger.unpaidWaits()).isEqualTo(linger.waits());
  }

  @Test
  void aWaitThatPaysEndsTheBackOff() {
    BatchLinger linger = afterBatchesOf(20);
    for (int i = 0; i < 4; i++) {
      cut(linger, 1, 2); // misses: waits, skips 1, waits, skips 2 ...
    }
    assertThat(linger.unpaidWaits()).isEqualTo(2);
    assertThat(cut(linger, 1, 2)).as("still backing off").isFalse();
    assertThat(cut(linger, 1, 20)).as("the probe after the back-off").isTrue();
    assertThat(cut(linger, 1, 2)).as("back-off ended: the next cut waits").isTrue();
    assertThat(cut(linger, 1, 2)).as("and a miss skips one cut again").isFalse();
    assertThat(cut(linger, 1, 20)).isTrue();
  }

  @Test
  void aBatchThatFilledWhileWaitingPaid() {
    BatchLinger linger = afterBatchesOf(30);
    assertThat(linger.hold(2)).isEqualTo(LINGER);
    linger.closedDrained(8, true);
    assertThat(linger.unpaidWaits()).isZero();
    assertThat(linger.hold(2)).isEqualTo(LINGER);
  }

  @Test
  void cutsThatNeedNoWaitDoNotUseUpTheBackOff() {
    BatchLinger linger = afterBatchesOf(20);
    cut(linger, 1, 2); // a miss: the next cut that would wait closes at once
    assertThat(cut(linger, 25, 25)).as("enough pending: no wait, no skip used").isFalse();
    assertThat(cut(linger, 1, 2)).as("the skip").isFalse();
    assertThat(cut(linger, 1, 20)).isTrue();
  }

  @Test
  void aViewChangeAbandonsAnOpenWaitWithoutAVerdict() {
    BatchLinger linger = afterBatchesOf(20);
    assertThat(linger.hold(1)).isEqualTo(LINGER);
    linger.abandon();
    linger.closedDrained(1, false); // a later drained cut with no wait open
    assertThat(linger.unpaidWaits()).isZero();
    assertThat(linger.hold(1)).isEqualTo(LINGER);
  }
}
