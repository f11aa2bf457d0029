package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage breakdown {@code bft bench} prints, from the replicas' stage timers over a window. */
class StageTimesTest {
  @TempDir
  Path dir;

  /** A page in Micrometer's Prometheus form with every stage at {@code seconds} over {@code count} spans. */
  private static String page(int replica, long view, double seconds, double count) {
    StringBuilder s = new StringBuilder("bft_view{replica=\"" + replica + "\"} " + view + ".0\n");
    s.append("bft_requests_executed_total{replica=\"" + replica + "\"} " + 10 * count + "\n");
    s.append("bft_batches_executed_total{replica=\"" + replica + "\"} " + count + "\n");
    for (var part : java.util.List.of(StageTimes.REQUEST_PATH, StageTimes.WRITER)) {
      for (String stage : part) {
        String labels = "{replica=\"" + replica + "\",stage=\"" + stage + "\"}";
        s.append("bft_stage_seconds_count").append(labels).append(' ').append(count).append('\n');
        s.append("bft_stage_seconds_sum").append(labels).append(' ').append(seconds).append('\n');
        s.append("bft_stage_seconds_max").append(labels).append(" 9.0\n");
      }
    }
    return s.toString();
  }

  @Test
  void meansOverTheWindowAtThePrimaryAndPooledOverTheBackups() throws Exception {
    ClusterConfig cluster = ClusterFile.load(ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 9000, false, new SecureRandom()));
    FakeMetricsPages reader = new FakeMetricsPages();
    Map<Integer, String> pages = reader.pages;
    StageTimes times = new StageTimes(cluster, reader);
    for (int r = 0; r < 4; r++) {
      pages.put(r, page(r, 5, 1.0, 1000));
    }
    StageTimes.Reading from = times.read();
    // Primary 1 (view 5): 2 s more over 1000 spans = 2 ms each. Backups: 1000 more spans, 1, 2 and 3 s.
    pages.put(1, page(1, 5, 3.0, 2000));
    pages.put(0, page(0, 5, 2.0, 2000));
    pages.put(2, page(2, 5, 3.0, 2000));
    pages.put(3, page(3, 5, 4.0, 2000));
    String described = StageTimes.describe(from, times.read(), cluster.n(), -1);
    assertThat(described.lines()).containsExactly(
        "primary 1 (mean ms): verify 2.00 protocol_queue 2.00 batching 2.00 prepare 2.00 commit 2.00"
            + " | writer_queue 2.00 persist 2.00 storage_commit 2.00 send 2.00",
        "backups (mean ms): verify 2.00 protocol_queue 2.00 batching 2.00 prepare 2.00 commit 2.00"
            + " | writer_queue 2.00 persist 2.00 storage_commit 2.00 send 2.00",
        "1000 batches executed, 10.0 requests each");
    assertThat(StageTimes.describe(from, times.read(), cluster.n(), 3).lines()).as("the attacker left out of the pool")
        .contains("correct backups (mean ms): verify 1.50 protocol_queue 1.50 batching 1.50 prepare 1.50 commit 1.50"
            + " | writer_queue 1.50 persist 1.50 storage_commit 1.50 send 1.50");
    assertThat(StageTimes.describe(from, times.read(), cluster.n(), 1).lines().toList())
        .as("an attacking primary is named so, and the backups are all correct")
        .startsWith("primary 1 (the attacker) (mean ms): verify 2.00 protocol_queue 2.00 batching 2.00 prepare 2.00"
            + " commit 2.00 | writer_queue 2.00 persist 2.00 storage_commit 2.00 send 2.00", described.lines().toList().get(1));

    pages.put(0, page(0, 6, 2.0, 2000));
    assertThat(StageTimes.describe(from, times.read(), cluster.n(), -1)).as("the primary changed in the window").isEmpty();
    pages.remove(2);
    assertThat(times.read()).as("a replica that cannot be read spoils the reading").isNull();
  }

  @Test
  void aStageWithNoSpansInTheWindowShowsADash() {
    Map<String, double[]> parsed = StageTimes.parse(page(0, 0, 0.5, 10));
    assertThat(parsed.get("storage_commit")).containsExactly(0.5, 10.0);
    StageTimes.Reading same = new StageTimes.Reading(Map.of(0, parsed, 1, parsed, 2, parsed, 3, parsed),
        Map.of(0, new double[] {50, 5}), 0);
    assertThat(StageTimes.describe(same, same, 4, -1)).startsWith("primary 0 (mean ms): verify - protocol_queue -")
        .as("no batch executed in the window").doesNotContain("batches executed");
  }
}
