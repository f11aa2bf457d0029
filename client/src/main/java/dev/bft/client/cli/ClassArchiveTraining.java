package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.FreePorts;
import dev.bft.core.runtime.EmbeddedReplica;
import dev.bft.core.service.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * What the build runs once, under {@code -XX:ArchiveClassesAtExit}, so that every later {@code bft}
 * JVM maps the classes a replica and a client load instead of parsing and verifying them again
 * (docs/benchmarks.md, "A cold start"). It goes through the paths a user's processes take: the command
 * line, keygen, four replicas with TLS links and LMDB, and a load of signed requests with reads;
 * a class it misses is simply loaded from its jar later.
 */
@Command(name = "class-archive-training", hidden = true,
    description = "runs a short in-process cluster so the JVM can archive the classes bft loads (used by the build)")
final class ClassArchiveTraining implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("bft-class-archive");
    List<EmbeddedReplica> replicas = new ArrayList<>();
    try {
      int base = FreePorts.consecutive(8);
      int keygen = BftMain.commandLine().execute("keygen", "--out", dir.toString(), "--clients", "8",
          "--base-port", String.valueOf(base));
      if (keygen != 0) {
        throw new IllegalStateException("keygen for the class-archive training failed with status " + keygen);
      }
      Path file = dir.resolve("cluster.conf");
      ClusterConfig cluster = ClusterFile.load(file);
      for (int i = 0; i < cluster.n(); i++) {
        replicas.add(EmbeddedReplica.builder().clusterFile(file).id(i).dataDirectory(dir.resolve("data-" + i))
            .service(Services.find(Services.DEFAULT)).start());
      }
      LoadRun.Result result = LoadRun.run(cluster, dir, 8, 64, 0.1, Duration.ofSeconds(1), Duration.ofSeconds(2), false);
      System.out.println("class-archive training: " + result.latencies().length + " operations");
      return 0;
    } finally {
      replicas.forEach(EmbeddedReplica::close);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
