package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ReplicaEndpoint;
import java.util.Locale;

/**
 * The signatures the replicas checked over a measurement, read from their metrics: how many per
 * operation and replica, how many of them alone, and the mean batch equation. Unlike throughput
 * on a shared machine, these counts do not move with the neighbours' load, so they show what a
 * change to the verification stage did.
 */
final class SignatureChecks {
  /** Totals over all replicas, of signatures checked and of requests executed (each replica executes each). */
  record Reading(double alone, double batched, double equations, double hinted, double executed) {}

  private final ClusterConfig cluster;
  private final JitSettled.MetricsReader metrics;

  SignatureChecks(ClusterConfig cluster, JitSettled.MetricsReader metrics) {
    this.cluster = cluster;
    this.metrics = metrics;
  }

  /** The totals now, or null when a replica's metrics cannot be read. */
  Reading read() {
    double alone = 0;
    double batched = 0;
    double equations = 0;
    double hinted = 0;
    double executed = 0;
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      try {
        String page = metrics.read(r);
        for (String line : page.lines().toList()) {
          if (line.startsWith("bft_signatures_checked_total{") && line.contains("how=\"alone\"")) {
            alone += value(line);
          } else if (line.startsWith("bft_signatures_checked_total{") && line.contains("how=\"batched\"")) {
            batched += value(line);
          }
        }
        equations += StatusCommand.sum(page, "bft_signature_equations_total");
        hinted += StatusCommand.sum(page, "bft_signature_r_hints_total");
        executed += StatusCommand.sum(page, "bft_requests_executed_total");
      } catch (Exception e) {
        return null;
      }
    }
    return new Reading(alone, batched, equations, hinted, executed);
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** Signatures per batch equation over the measurement; 0 without readings or equations. */
  static double meanEquation(Reading from, Reading to) {
    if (from == null || to == null) {
      return 0;
    }
    double equations = to.equations() - from.equations();
    return equations > 0 ? (to.batched() - from.batched()) / equations : 0;
  }

  /**
   * E.g. "2.05 signature checks per operation and replica (0.31 alone, the rest in equations of
   * 12.4; 0.70 with an R hint)"; "" without readings.
   */
  static String describe(Reading from, Reading to) {
    if (from == null || to == null || to.executed() <= from.executed()) {
      return "";
    }
    double executed = to.executed() - from.executed();
    double alone = (to.alone() - from.alone()) / executed;
    double batched = (to.batched() - from.batched()) / executed;
    double mean = meanEquation(from, to);
    double hinted = (to.hinted() - from.hinted()) / executed;
    return String.format(Locale.ROOT,
        "%.2f signature checks per operation and replica (%.2f alone, the rest in equations of %.1f; %.2f with an R hint)",
        alone + batched, alone, mean, hinted);
  }
}
