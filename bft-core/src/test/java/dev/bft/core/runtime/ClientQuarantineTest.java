package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A faulty client is refused for the quarantine period, doubling with each new offence. */
class ClientQuarantineTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final ClientQuarantine quarantine = new ClientQuarantine(10_000, now::get);

  private void advanceMillis(long millis) {
    now.addAndGet(millis * 1_000_000L);
  }

  @Test
  void refusedUntilThePeriodEndsAndRepeatOffencesDoubleIt() {
    assertThat(quarantine.refuses(1001)).isFalse();
    assertThat(quarantine.quarantine(1001)).isEqualTo(10_000);
    assertThat(quarantine.refuses(1001)).isTrue();
    assertThat(quarantine.refuses(1002)).as("only the offender").isFalse();
    assertThat(quarantine.quarantine(1001)).as("frames queued before the hang-up are no new offence").isZero();
    advanceMillis(9_999);
    assertThat(quarantine.refuses(1001)).isTrue();
    advanceMillis(1);
    assertThat(quarantine.refuses(1001)).isFalse();
    assertThat(quarantine.size()).isZero();
    assertThat(quarantine.quarantine(1001)).isEqualTo(20_000);
    advanceMillis(20_000);
    assertThat(quarantine.quarantine(1001)).isEqualTo(40_000);
    for (int i = 0; i < 10; i++) {
      advanceMillis(1L << 30);
      quarantine.quarantine(1001);
    }
    advanceMillis(1L << 30);
    assertThat(quarantine.quarantine(1001)).as("capped at 64x").isEqualTo(640_000);
  }
}
