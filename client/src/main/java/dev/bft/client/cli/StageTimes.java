package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ReplicaEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the replicas' time went over a measurement: the mean of each stage of a request's path and
 * of the storage writer ({@code bft_stage_seconds}), at the primary and pooled over the backups.
 * A closed loop's throughput is its clients over its latency, so this says which stage to shorten.
 */
final class StageTimes {
  /** A request's path in order, then the storage writer's stages (once per commit). */
  static final List<String> REQUEST_PATH = List.of("verify", "protocol_queue", "batching", "prepare", "commit");
  static final List<String> WRITER = List.of("writer_queue", "persist", "storage_commit", "send");
  private static final Pattern STAGE = Pattern.compile("stage=\"([a-z_]+)\"");

  /**
   * Per replica, per stage: seconds summed and spans counted; per replica, requests and batches
   * executed; and the highest view any replica is in.
   */
  record Reading(Map<Integer, Map<String, double[]>> stages, Map<Integer, double[]> executed, long view) {}

  private final ClusterConfig cluster;
  private final JitSettled.MetricsReader metrics;

  StageTimes(ClusterConfig cluster, JitSettled.MetricsReader metrics) {
    this.cluster = cluster;
    this.metrics = metrics;
  }

  /** The totals now, or null when a replica's metrics cannot be read. */
  Reading read() {
    Map<Integer, Map<String, double[]>> all = new TreeMap<>();
    Map<Integer, double[]> executed = new TreeMap<>();
    long view = 0;
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      try {
        String page = metrics.read(r);
        all.put(r.id(), parse(page));
        executed.put(r.id(), new double[] {StatusCommand.sum(page, "bft_requests_executed_total"),
            StatusCommand.sum(page, "bft_batches_executed_total")});
        view = Math.max(view, (long) StatusCommand.sum(page, "bft_view"));
      } catch (Exception e) {
        return null;
      }
    }
    return new Reading(all, executed, view);
  }

  static Map<String, double[]> parse(String page) {
    Map<String, double[]> stages = new HashMap<>();
    for (String line : page.lines().toList()) {
      int slot = line.startsWith("bft_stage_seconds_sum{") ? 0 : line.startsWith("bft_stage_seconds_count{") ? 1 : -1;
      Matcher m = STAGE.matcher(line);
      if (slot >= 0 && m.find()) {
        stages.computeIfAbsent(m.group(1), k -> new double[2])[slot] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return stages;
  }

  /**
   * E.g. "primary 0 (mean ms): verify 0.41 protocol_queue 0.05 ... | writer_queue 0.08 ..." and the
   * same line for the correct backups pooled (not {@code attacker}, whose own queues say nothing of
   * the cluster's path; -1 for none), then the primary's mean batch; "" without both readings or
   * when the view changed between them.
   */
  static String describe(Reading from, Reading to, int n, int attacker) {
    if (from == null || to == null || from.view() != to.view()) {
      return "";
    }
    int primary = (int) (to.view() % n);
    StringBuilder out = new StringBuilder();
    out.append(line("primary " + primary + (primary == attacker ? " (the attacker)" : ""), from, to, id -> id == primary));
    out.append(System.lineSeparator());
    out.append(line(attacker >= 0 && attacker != primary ? "correct backups" : "backups", from, to,
        id -> id != primary && id != attacker));
    double[] before = from.executed().get(primary);
    double[] after = to.executed().get(primary);
    if (before != null && after != null && after[1] > before[1]) {
      out.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%.0f batches executed, %.1f requests each",
          after[1] - before[1], (after[0] - before[0]) / (after[1] - before[1])));
    }
    return out.toString();
  }

  private static String line(String who, Reading from, Reading to, java.util.function.IntPredicate which) {
    StringBuilder s = new StringBuilder(who).append(" (mean ms):");
    for (List<String> part : List.of(REQUEST_PATH, WRITER)) {
      if (part == WRITER) {
        s.append(" |");
      }
      for (String stage : part) {
        double seconds = 0;
        double count = 0;
        for (var e : to.stages().entrySet()) {
          if (which.test(e.getKey())) {
            double[] now = e.getValue().getOrDefault(stage, new double[2]);
            double[] then = from.stages().getOrDefault(e.getKey(), Map.of()).getOrDefault(stage, new double[2]);
            seconds += now[0] - then[0];
            count += now[1] - then[1];
          }
        }
        s.append(' ').append(stage).append(' ')
            .append(count > 0 ? String.format(Locale.ROOT, "%.2f", 1000 * seconds / count) : "-");
      }
    }
    return s.toString();
  }
}
