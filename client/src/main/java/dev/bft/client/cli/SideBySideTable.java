package dev.bft.client.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side results as a Markdown table and a CSV: one row per system and point, and on each
 * peer row the ratios ours/theirs of the same point (throughput: above 1 is ours faster; p99: below
 * 1 is ours lower).
 */
final class SideBySideTable {
  static final String OURS = "ours";

  /** One measured run. {@code cpuMillisPerOp}: the replica JVMs' CPU per operation over the window (NaN: unknown). */
  record Row(int replicas, int clients, int size, String system, long ops, double opsPerSecond, double p50Millis,
             double p99Millis, double cpuMillisPerOp) {}

  private final List<Row> rows = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Our row of the same point as {@code theirs}, or null if ours was not measured (or failed). */
  private Row ours(Row theirs) {
    return rows.stream().filter(r -> r.system().equals(OURS) && r.replicas() == theirs.replicas()
        && r.clients() == theirs.clients() && r.size() == theirs.size()).findFirst().orElse(null);
  }

  /** ours/theirs throughput for a peer's row; NaN for our own rows or without ours. */
  double throughputRatio(Row row) {
    Row ours = row.system().equals(OURS) ? null : ours(row);
    return ours == null || row.opsPerSecond() <= 0 ? Double.NaN : ours.opsPerSecond() / row.opsPerSecond();
  }

  /** ours/theirs p99 for a peer's row; NaN for our own rows or without ours. */
  double p99Ratio(Row row) {
    Row ours = row.system().equals(OURS) ? null : ours(row);
    return ours == null || row.p99Millis() <= 0 ? Double.NaN : ours.p99Millis() / row.p99Millis();
  }

  String markdown() {
    StringBuilder t = new StringBuilder();
    t.append("| replicas | clients | request B | system | ops/s | p50 ms | p99 ms | replica CPU ms/op | ops/s ours/theirs | p99 ours/theirs |\n");
    t.append("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      t.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %.0f | %.1f | %.1f | %s | %s | %s |%n", r.replicas(),
          r.clients(), r.size(), r.system(), r.opsPerSecond(), r.p50Millis(), r.p99Millis(), figure(r.cpuMillisPerOp(), "%.3f"),
          figure(throughputRatio(r), "%.2fx"), figure(p99Ratio(r), "%.2fx")));
    }
    return t.toString();
  }

  String csv() {
    StringBuilder t = new StringBuilder(
        "replicas,clients,request_bytes,system,ops,ops_per_s,p50_ms,p99_ms,replica_cpu_ms_per_op,ops_ratio_ours_over_theirs,p99_ratio_ours_over_theirs\n");
    for (Row r : rows) {
      t.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%d,%.1f,%.2f,%.2f,%s,%s,%s%n", r.replicas(), r.clients(), r.size(),
          r.system(), r.ops(), r.opsPerSecond(), r.p50Millis(), r.p99Millis(), figure(r.cpuMillisPerOp(), "%.4f"),
          figure(throughputRatio(r), "%.3f"), figure(p99Ratio(r), "%.3f")));
    }
    return t.toString();
  }

  /** {@code value} formatted, or nothing where it is unknown. */
  private static String figure(double value, String format) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, format, value);
  }

}
