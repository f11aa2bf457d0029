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

/** The signature-check figures {@code bft bench} prints, from the replicas' counters. */
class SignatureChecksTest {
  @TempDir
  Path dir;

  private static String page(int replica, double alone, double batched, double equations, double hinted, double executed) {
    String id = "replica=\"" + replica + "\"";
    return "# TYPE bft_signatures_checked_total counter\n"
        + "bft_signatures_checked_total{how=\"alone\"," + id + "} " + alone + "\n"
        + "bft_signatures_checked_total{how=\"batched\"," + id + "} " + batched + "\n"
        + "bft_signature_equations_total{" + id + "} " + equations + "\n"
        + "bft_signature_r_hints_total{" + id + "} " + hinted + "\n"
        + "bft_requests_executed_total{" + id + "} " + executed + "\n";
  }

  @Test
  void perOperationAndReplicaOverTheWindow() throws Exception {
    ClusterConfig cluster = ClusterFile.load(ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 9000, false, new SecureRandom()));
    FakeMetricsPages reader = new FakeMetricsPages();
    Map<Integer, String> pages = reader.pages;
    SignatureChecks checks = new SignatureChecks(cluster, reader);
    for (int r = 0; r < 4; r++) {
      pages.put(r, page(r, 10, 100, 5, 20, 50));
    }
    SignatureChecks.Reading from = checks.read();
    // Each replica executed 100 more requests, checking 30 signatures alone and 200 in 10 equations,
    // 75 of those with an R hint.
    for (int r = 0; r < 4; r++) {
      pages.put(r, page(r, 40, 300, 15, 95, 150));
    }
    SignatureChecks.Reading to = checks.read();
    assertThat(SignatureChecks.describe(from, to))
        .isEqualTo("2.30 signature checks per operation and replica (0.30 alone, the rest in equations of 20.0; 0.75 with an R hint)");

    pages.remove(2);
    assertThat(checks.read()).as("a replica that cannot be read spoils the reading").isNull();
    assertThat(SignatureChecks.describe(from, null)).isEmpty();
    assertThat(SignatureChecks.describe(to, to)).as("nothing executed in between").isEmpty();
  }
}
