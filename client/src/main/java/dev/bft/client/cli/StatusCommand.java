package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ReplicaEndpoint;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bft status}: each replica's view, execution point, stable checkpoint and rejected frames, from its metrics endpoint. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show each replica's view, progress and health.")
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, description = "the cluster file")
  Path config;

  @Override
  public Integer call() throws Exception {
    ClusterConfig cluster = ClusterFile.load(config);
    PrintWriter out = spec.commandLine().getOut();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    out.printf("%-8s %-22s %-6s %-6s %-10s %-10s %-9s %s%n", "replica", "address", "epoch", "view", "executed", "stable",
        "rejected", "health");
    int down = 0;
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      if (r.metricsPort() == 0) {
        out.printf("%-8d %-22s %s%n", r.id(), r.address(), "no replica." + r.id() + ".metrics port in the cluster file");
        down++;
        continue;
      }
      try {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://" + cluster.metricsHostOf(r.id()) + ":" + r.metricsPort() + "/metrics"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        long rejected = (long) sum(body, "bft_frames_rejected");
        out.printf("%-8d %-22s %-6.0f %-6.0f %-10.0f %-10.0f %-9d %s%n", r.id(), r.address(), sum(body, "bft_epoch"),
            sum(body, "bft_view"),
            sum(body, "bft_last_executed"), sum(body, "bft_stable_checkpoint"), rejected, "up");
      } catch (Exception e) {
        out.printf("%-8d %-22s %-6s %-6s %-10s %-10s %-9s %s%n", r.id(), r.address(), "-", "-", "-", "-", "-",
            "DOWN (" + e.getClass().getSimpleName() + ")");
        down++;
      }
    }
    out.println(down == 0 ? "all replicas up" : down + " replica(s) down or unreachable; the cluster tolerates f = " + cluster.f());
    return down > cluster.f() ? 1 : 0;
  }

  /** The sum of every sample of {@code name} in a Prometheus text scrape. */
  static double sum(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
