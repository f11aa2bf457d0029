package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.crypto.KeyFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica serves its metrics for Prometheus over HTTP. */
class MetricsTest {
  @TempDir
  Path dir;

  @Test
  void aReplicaServesPrometheusMetrics() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", dev.bft.core.config.FreePorts.consecutive(8), false,
        new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    try (ReplicaNode node = new ReplicaNode(cluster, 0, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, 0)), e -> { })) {
      node.start();
      int port = node.metrics().serve(cluster.metricsHost(), 0);
      assertThat(node.metrics().address().getAddress().isLoopbackAddress())
          .as("by default the unauthenticated endpoint is not offered to the network").isTrue();
      // Gauges read through suppliers must survive garbage collection (Micrometer holds them weakly by default).
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(50);
      }
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("bft_view{replica=\"0\"} 0.0", "bft_last_executed", "bft_frames_rejected",
          "bft_requests_executed_total", "bft_verify_queue_depth",
          "bft_frames_rejected{reason=\"UNWANTED\",replica=\"0\"} 0.0",
          "bft_frames_rejected{reason=\"VERIFY_QUEUE_FULL\",replica=\"0\"} 0.0",
          "bft_verify_queue_depth{replica=\"0\"} 0.0",
          "bft_signatures_checked_total{how=\"batched\",replica=\"0\"}",
          "bft_signatures_checked_total{how=\"alone\",replica=\"0\"}", "bft_signature_equations_total{replica=\"0\"}");
      assertThat(r.body()).doesNotContain("NaN");
      // Every reason the core drops for is on the page from the start, at 0 (DropMetricsTest counts one).
      for (dev.bft.core.protocol.DropReason reason : dev.bft.core.protocol.DropReason.values()) {
        assertThat(r.body()).contains("bft_dropped_total{reason=\"" + reason.name() + "\",replica=\"0\"} 0.0");
      }
    }
  }

  /** Each stage of a request's path and of the storage writer is timed at the primary once requests run. */
  @Test
  void theStagesOfARequestsPathAreTimed() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", dev.bft.core.config.FreePorts.consecutive(8), false,
        new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    java.util.List<ReplicaNode> nodes = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        ReplicaNode node = new ReplicaNode(cluster, i, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, i)), e -> { });
        node.start();
        nodes.add(node);
      }
      try (dev.bft.client.BftClient client = new dev.bft.client.BftClient(cluster, 1000,
          KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 1000)) {
        for (int i = 0; i < 5; i++) {
          client.put(new byte[] {(byte) i}, new byte[] {1}).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
      }
      String page = nodes.get(0).metrics().scrape();
      for (String stage : java.util.List.of("verify", "protocol_queue", "batching", "prepare", "commit", "writer_queue",
          "persist", "storage_commit", "send")) {
        String labels = "{replica=\"0\",stage=\"" + stage + "\"}";
        assertThat(sample(page, "bft_stage_seconds_count" + labels)).as(stage + " spans").isPositive();
        assertThat(sample(page, "bft_stage_seconds_sum" + labels)).as(stage + " time").isPositive();
      }
      assertThat(sample(page, "bft_stage_seconds_count{replica=\"0\",stage=\"batching\"}"))
          .as("one batching wait per request the primary ordered").isEqualTo(5);
    } finally {
      nodes.forEach(ReplicaNode::close);
    }
  }

  private static double sample(String page, String series) {
    for (String line : page.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }
}
