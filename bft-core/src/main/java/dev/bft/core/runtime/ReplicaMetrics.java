package dev.bft.core.runtime;

import com.sun.net.httpserver.HttpServer;
import dev.bft.core.protocol.DropCounters;
import dev.bft.core.protocol.DropReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * A replica's metrics in Micrometer, served for Prometheus at {@code /metrics} on an optional port:
 * executed requests and batches, batch sizes, view, last executed sequence, stable checkpoint,
 * frames rejected by reason, the verification queue's depth, and request latency from arrival to
 * execution at this replica, the signatures checked (by batch equations or alone), the client
 * sessions opened, the primary's lingering waits (all, and those that did not pay), the time
 * spent in each {@link Stage} of a request's path, and the messages the protocol core dropped, by
 * {@link DropReason}.
 */
public final class ReplicaMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter requests;
  private final Counter batches;
  private final DistributionSummary batchSize;
  private final io.micrometer.core.instrument.Timer latency;
  final AtomicLong view = new AtomicLong();
  final AtomicLong lastExecuted = new AtomicLong();
  final AtomicLong stableCheckpoint = new AtomicLong();
  final AtomicLong lingerWaits = new AtomicLong();
  final AtomicLong lingerWaitsUnpaid = new AtomicLong();
  /** The core's drop counts by reason ordinal, as of the last group of events (the core's own counters are the protocol thread's). */
  private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
  private final Counter clientSessions;
  private final java.util.EnumMap<Stage, io.micrometer.core.instrument.Timer> stages = new java.util.EnumMap<>(Stage.class);

  /** The view this replica is in (as of its last group of events). */
  public long view() {
    return view.get();
  }

  public long lastExecuted() {
    return lastExecuted.get();
  }

  public long stableCheckpoint() {
    return stableCheckpoint.get();
  }

  /** Client identities that proved themselves on a link since start: a reconnect counts again. */
  public long clientSessionsOpened() {
    return (long) clientSessions.count();
  }
  private HttpServer server;
  private final AtomicLong epoch = new AtomicLong();

  void epoch(long e) {
    epoch.set(e);
  }

  ReplicaMetrics(int replica, Supplier<Map<String, Long>> rejected, Supplier<Integer> verifyQueue,
                 dev.bft.crypto.VerificationTally signatures) {
    String id = String.valueOf(replica);
    clientSessions = Counter.builder("bft.client.sessions.opened").tag("replica", id)
        .description("client identities proven on a link (by the handshake or a HELLO); churn shows as growth").register(registry);
    requests = Counter.builder("bft.requests.executed").tag("replica", id).register(registry);
    batches = Counter.builder("bft.batches.executed").tag("replica", id).register(registry);
    batchSize = DistributionSummary.builder("bft.batch.size").tag("replica", id).publishPercentiles(0.5, 0.99)
        .register(registry);
    latency = io.micrometer.core.instrument.Timer.builder("bft.request.latency").tag("replica", id)
        .description("from a request's arrival at this replica to its execution").publishPercentiles(0.5, 0.99)
        .register(registry);
    // Sum and count only: a benchmark reads the mean of each stage over its window (see Stage).
    for (Stage stage : Stage.values()) {
      stages.put(stage, io.micrometer.core.instrument.Timer.builder("bft.stage").tag("replica", id)
          .tag("stage", stage.label()).register(registry));
    }
    // JIT compilation time (jvm_compilation_time_ms_total): bft bench ends its warm-up when it goes quiet.
    new io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics().bindTo(registry);
    Gauge.builder("bft.view", view, AtomicLong::get).tag("replica", id).register(registry);
    Gauge.builder("bft.epoch", epoch, AtomicLong::get).tag("replica", id)
        .description("the configuration epoch this replica runs (docs/reconfiguration.md)").register(registry);
    Gauge.builder("bft.last.executed", lastExecuted, AtomicLong::get).tag("replica", id).register(registry);
    Gauge.builder("bft.stable.checkpoint", stableCheckpoint, AtomicLong::get).tag("replica", id).register(registry);
    // With batch.linger.ms: how often a drained primary waited for returning clients, and how often in vain.
    io.micrometer.core.instrument.FunctionCounter.builder("bft.batch.linger.waits", lingerWaits, AtomicLong::get)
        .tag("replica", id).tag("outcome", "all").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("bft.batch.linger.waits", lingerWaitsUnpaid, AtomicLong::get)
        .tag("replica", id).tag("outcome", "unpaid").register(registry);
    // Strong references: the suppliers are method references nobody else holds, and Micrometer
    // keeps a gauge's object weakly, so they would be collected and the gauges read NaN.
    Gauge.builder("bft.verify.queue.depth", verifyQueue, q -> q.get()).tag("replica", id).strongReference(true)
        .register(registry);
    // Their ratio is the mean batch equation: what batch verification saves at this load.
    io.micrometer.core.instrument.FunctionCounter.builder("bft.signatures.checked", signatures,
        dev.bft.crypto.VerificationTally::batched).tag("replica", id).tag("how", "batched").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("bft.signatures.checked", signatures,
        dev.bft.crypto.VerificationTally::alone).tag("replica", id).tag("how", "alone").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("bft.signature.equations", signatures,
        dev.bft.crypto.VerificationTally::equations).tag("replica", id).register(registry);
    // Of the batched, those whose R came with the primary's x hint (no square root taken).
    io.micrometer.core.instrument.FunctionCounter.builder("bft.signature.r.hints", signatures,
        dev.bft.crypto.VerificationTally::hinted).tag("replica", id).register(registry);
    // Every reason from the start, at 0: a drop that never happened is visible as such, and a
    // dashboard or alert can name a reason before the first one is counted.
    for (DropReason reason : DropReason.values()) {
      io.micrometer.core.instrument.FunctionCounter.builder("bft.dropped", dropped, d -> d.get(reason.ordinal()))
          .tag("replica", id).tag("reason", reason.name())
          .description("inputs the protocol core ignored, by reason (Byzantine peers and clients, or the network, cause all of them)")
          .register(registry);
    }
    java.util.List<String> reasons = new java.util.ArrayList<>();
    for (dev.bft.core.message.codec.Rejection r : dev.bft.core.message.codec.Rejection.values()) {
      reasons.add(r.name());
    }
    for (ShellRefusal r : ShellRefusal.values()) {
      reasons.add(r.name());
    }
    for (String reason : reasons) {
      Gauge.builder("bft.frames.rejected", rejected, r -> r.get().getOrDefault(reason, 0L)).tag("replica", id)
          .tag("reason", reason).strongReference(true).register(registry);
    }
  }

  void executed(int requestCount) {
    batches.increment();
    requests.increment(requestCount);
    batchSize.record(requestCount);
  }

  /** Publishes the core's drop counts; called on the protocol thread after a group of events. */
  void dropped(DropCounters drops) {
    for (DropReason reason : DropReason.values()) {
      dropped.set(reason.ordinal(), drops.get(reason));
    }
  }

  /** What {@code bft_dropped_total{reason}} reads now. */
  public long dropped(DropReason reason) {
    return dropped.get(reason.ordinal());
  }

  void clientSessionOpened() {
    clientSessions.increment();
  }

  void stage(Stage stage, long nanos) {
    stages.get(stage).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void requestLatency(long nanos) {
    latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Serves {@code /metrics} on {@code port} (0 picks a free one); returns the port. */
  public int serve(String host, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server.getAddress().getPort();
  }

  /** Where the endpoint listens, once served. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
  }
}
