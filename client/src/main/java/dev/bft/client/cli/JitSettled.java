package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ReplicaEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the replicas' JIT compilers have gone quiet, read from their metrics endpoints
 * ({@code jvm_compilation_time_ms_total}): less than {@link #QUIET_MS_PER_SECOND} of compilation per
 * second over the last {@link #WINDOW_SECONDS}, summed over the replicas. On a 2-core machine five
 * JVMs compile for over a minute, and throughput measured before that is the JIT's, not the
 * replicas'. An unreachable endpoint counts as not settled.
 */
final class JitSettled implements BooleanSupplier {
  static final double QUIET_MS_PER_SECOND = 20;
  static final long WINDOW_SECONDS = 5;

  /** A replica's metrics page; throws when it cannot be read. */
  @FunctionalInterface
  interface MetricsReader {
    String read(ReplicaEndpoint replica) throws Exception;

    static MetricsReader overHttp(ClusterConfig cluster) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      return r -> http.send(HttpRequest.newBuilder(URI.create("http://" + cluster.metricsHostOf(r.id()) + ":" + r.metricsPort() + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  private final ClusterConfig cluster;
  private final LongSupplier nanoTime;
  private final MetricsReader metrics;
  private double lastTotal = -1;
  private long lastAt;

  JitSettled(ClusterConfig cluster) {
    this(cluster, System::nanoTime, MetricsReader.overHttp(cluster));
  }

  JitSettled(ClusterConfig cluster, LongSupplier nanoTime, MetricsReader metrics) {
    this.cluster = cluster;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
  }

  @Override
  public boolean getAsBoolean() {
    long now = nanoTime.getAsLong();
    if (lastTotal >= 0 && now - lastAt < WINDOW_SECONDS * 1_000_000_000L) {
      return false;
    }
    double total = 0;
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      try {
        total += StatusCommand.sum(metrics.read(r), "jvm_compilation_time_ms_total");
      } catch (Exception e) {
        return false;
      }
    }
    boolean settled = lastTotal >= 0 && (total - lastTotal) / ((now - lastAt) / 1e9) < QUIET_MS_PER_SECOND;
    lastTotal = total;
    lastAt = now;
    return settled;
  }
}
