package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The per-peer budget that bounds what a Byzantine peer can make a replica do (state transfer
 * bytes it signs and sends): a peer spends only its own bucket, saves up no more than the burst,
 * and regains tokens at the rate and no faster.
 */
class TokenBucketsTest {
  private long now = 1_000_000_000L;

  private TokenBuckets buckets(double perSecond, double burst) {
    return new TokenBuckets(3, perSecond, burst, () -> now);
  }

  @Test
  void aPeerStartsWithTheBurstAndIsRefusedPastIt() {
    TokenBuckets b = buckets(100, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(b.take(1)).as("token %d of the burst", i).isTrue();
    }
    assertThat(b.take(1)).as("past the burst, no time passed").isFalse();
  }

  @Test
  void aRefusedTakeSpendsNothing() {
    TokenBuckets b = buckets(100, 10);
    assertThat(b.take(1, 11)).as("more than the bucket holds").isFalse();
    assertThat(b.take(1, 10)).as("the whole burst is still there").isTrue();
    assertThat(b.take(1, 0.5)).isFalse();
  }

  @Test
  void anEmptyBucketRefillsAtTheRateOnly() {
    TokenBuckets b = buckets(100, 10);
    assertThat(b.take(0, 10)).isTrue();
    now += 50_000_000L; // 50 ms: 5 tokens at 100/s
    assertThat(b.take(0, 6)).isFalse();
    assertThat(b.take(0, 5)).isTrue();
    assertThat(b.take(0, 1)).isFalse();
  }

  @Test
  void anIdlePeerSavesUpNoMoreThanTheBurst() {
    TokenBuckets b = buckets(100, 10);
    now += 3_600_000_000_000L; // an hour idle would be 360 000 tokens without the cap
    assertThat(b.take(2, 10)).isTrue();
    assertThat(b.take(2, 1)).isFalse();
  }

  @Test
  void onePeersSpendingLeavesTheOthersBucketsFull() {
    TokenBuckets b = buckets(100, 10);
    while (b.take(1)) {
      // peer 1 floods
    }
    assertThat(b.take(0, 10)).isTrue();
    assertThat(b.take(2, 10)).isTrue();
  }

  @Test
  void aRefundGivesBackWhatTheWorkDidNotCostButNeverBeyondTheBurst() {
    TokenBuckets b = buckets(100, 10);
    assertThat(b.take(1, 8)).isTrue();
    b.refund(1, 6); // the work cost 2 of the 8 taken in advance
    assertThat(b.take(1, 8)).isTrue();
    assertThat(b.take(1, 0.5)).isFalse();
    b.refund(1, 1_000);
    assertThat(b.take(1, 10)).isTrue();
    assertThat(b.take(1, 0.5)).as("a refund beyond the burst is capped").isFalse();
  }
}
