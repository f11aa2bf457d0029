package dev.bft.client.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinkDelayTest {
  @Test
  void aRoundTripDelaysEachDirectionByHalfOfIt() {
    LinkDelay d = LinkDelay.parseRoundTrip("40ms", "5ms");
    assertThat(d.oneWay()).isEqualTo(Duration.ofMillis(20));
    assertThat(d.jitter()).isEqualTo(Duration.ofMillis(5));
    assertThat(LinkDelay.parseRoundTrip("0.1s", "0").oneWay()).isEqualTo(Duration.ofMillis(50));
    assertThat(LinkDelay.parseRoundTrip("0", "0").isNone()).isTrue();
    assertThat(d.describe()).isEqualTo("round trip 40 ms, each direction ± 5 ms");
  }

  @Test
  void jitterStaysWithinItsRange() {
    LinkDelay d = new LinkDelay(Duration.ofMillis(20), Duration.ofMillis(5));
    Random random = new Random(3);
    long low = Long.MAX_VALUE;
    long high = 0;
    for (int i = 0; i < 10_000; i++) {
      long s = d.sampleNanos(random);
      low = Math.min(low, s);
      high = Math.max(high, s);
    }
    assertThat(low).isBetween(15_000_000L, 16_000_000L);
    assertThat(high).isBetween(24_000_000L, 25_000_000L);
  }

  @Test
  void badValuesAreOneLineErrorsNamingTheirOption() {
    assertThatThrownBy(() -> LinkDelay.parseRoundTrip("-5ms", "0")).hasMessage(
        "--rtt '-5ms': expected a duration of at least 0 such as 40ms, 0.1s or 0");
    assertThatThrownBy(() -> LinkDelay.parseRoundTrip("abc", "0")).hasMessageStartingWith("--rtt 'abc'");
    assertThatThrownBy(() -> LinkDelay.parseRoundTrip("40", "0")).hasMessageStartingWith("--rtt '40'");
    assertThatThrownBy(() -> LinkDelay.parseRoundTrip("40ms", "30ms")).hasMessage(
        "--jitter 30ms is more than half of --rtt 40ms (each direction is delayed by half the round trip, give or take the jitter)");
    assertThatThrownBy(() -> LinkDelay.parseRoundTrip("1h", "0")).hasMessageStartingWith("--rtt '1h'");
    assertThatThrownBy(() -> LinkDelay.parseRoundTrip("40s", "0")).hasMessage("--rtt 40s is more than 20 s");
  }
}
