package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the side-by-side harness reads BFT-SMaRt's latencies file and cuts its window. */
class BftSmartLatenciesTest {
  /**
   * Two clients from t = 1 000 000 ms, one completion every 10 ms each for 10 s: latency 5 s
   * during the first 2 s (the warm-up), then 1..n ms in the order they complete.
   */
  private static String file(boolean cutShort) {
    StringBuilder text = new StringBuilder();
    int after = 0;
    for (int ms = 0; ms < 10_000; ms += 10) {
      for (int client = 1001; client <= 1002; client++) {
        long latency = ms < 2_000 ? 5_000_000_000L : ++after * 1_000_000L;
        text.append(client).append('\t').append(1_000_000 + ms).append('\t').append(latency).append('\n');
      }
    }
    return cutShort ? text + "1001\t1010000\t12" : text.toString();
  }

  @Test
  void theWindowStartsAfterTheWarmUpCountedFromTheFirstCompletion() {
    BftSmartLatencies file = BftSmartLatencies.parse(file(false), "latencies_1001.txt");
    assertThat(file.size()).isEqualTo(2_000);
    assertThat(file.firstMillis()).isEqualTo(1_000_000);
    LoadRun.Result r = file.window(2, Duration.ofSeconds(2), Duration.ofSeconds(5));
    // 2 s .. 7 s: 500 steps of 10 ms, two completions each
    assertThat(r.latencies()).hasSize(1_000);
    assertThat(r.opsPerSecond()).isCloseTo(200, within(1e-9));
    assertThat(r.warmupSeconds()).isEqualTo(2.0);
    // none of the warm-up's 5 s latencies; the window's are 1..1000 ms
    assertThat(r.latencies()[0]).isEqualTo(1_000_000L);
    assertThat(r.millis(0.5)).isEqualTo(501.0);
    assertThat(r.millis(0.99)).isEqualTo(991.0);
  }

  @Test
  void aShorterWarmUpTakesInTheWarmUpsCompletions() {
    BftSmartLatencies file = BftSmartLatencies.parse(file(false), "latencies_1001.txt");
    LoadRun.Result r = file.window(2, Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertThat(r.latencies()).hasSize(1_000);
    assertThat(java.util.Arrays.stream(r.latencies()).filter(l -> l == 5_000_000_000L).count()).isEqualTo(200);
  }

  @Test
  void aCutShortLastLineIsDroppedAndCompletionsBetweenAreCounted() {
    BftSmartLatencies file = BftSmartLatencies.parse(file(true), "latencies_1001.txt");
    assertThat(file.size()).isEqualTo(2_000);
    assertThat(file.completedBetween(1_000_000, 1_000_100)).isEqualTo(20);
  }

  @Test
  void aWindowPastTheEndOfTheFileIsRefused() {
    BftSmartLatencies file = BftSmartLatencies.parse(file(false), "latencies_1001.txt");
    assertThatThrownBy(() -> file.window(2, Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("end 10.0 s after its first one, before the window's end at 10.0 s");
  }

  @Test
  void aMalformedLineInsideTheFileIsNamed() {
    String text = "1001\t1000\t5\n1001\t1010\n1001\tx\t5\n1001\t1020\t5\n";
    assertThatThrownBy(() -> BftSmartLatencies.parse(text, "run/latencies_1001.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("run/latencies_1001.txt line 2: '1001\t1010' is not <client id> <completion time ms> <latency ns>");
  }

  @Test
  void anEmptyFileHasNoFirstCompletion() {
    BftSmartLatencies file = BftSmartLatencies.parse("", "latencies_1001.txt");
    assertThat(file.size()).isZero();
    assertThatThrownBy(file::firstMillis).hasMessageContaining("no completed request");
  }
}
