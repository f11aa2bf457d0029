package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvOperation;
import dev.bft.crypto.KeyFiles;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft client load}: closed-loop load from N client identities (each with one signed request
 * in flight, PBFT's client model) for a while, then a table of throughput and latency percentiles.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Closed-loop load: N clients, signed puts, for a duration.")
final class LoadCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, description = "the cluster file")
  Path config;

  @Option(names = "--clients", defaultValue = "10", description = "client identities, each with one request in flight (default: ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--duration", defaultValue = "10s", description = "how long, e.g. 30s or 2m (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--warmup", defaultValue = "0s", description = "load run first and left out of the figures, e.g. 30s while the JIT compiles (default: ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--size", defaultValue = "64", description = "operation size in bytes, at least 13 (default: ${DEFAULT-VALUE})")
  int size;

  @Override
  public Integer call() throws Exception {
    ClusterConfig cluster = ClusterFile.load(config);
    Duration d = parseDuration(duration);
    Duration w = parseDuration(warmup);
    if (size < 13) {
      throw new IllegalArgumentException("--size " + size + " is too small for a put (at least 13 bytes)");
    }
    List<Integer> ids = new ArrayList<>(cluster.clients().keySet());
    if (clients < 1 || clients > ids.size()) {
      throw new IllegalArgumentException("--clients " + clients + ": the cluster file has " + ids.size()
          + " client identities (bft keygen --clients N makes more)");
    }
    Path base = config.toAbsolutePath().getParent();
    PrintWriter out = spec.commandLine().getOut();
    List<BftClient> connections = new ArrayList<>();
    AtomicLong completed = new AtomicLong();
    try {
      var replies = BftClient.replyDecoder(cluster); // shared: one check per replica and batch of replies
      for (int c = 0; c < clients; c++) {
        int id = ids.get(c);
        connections.add(new BftClient(cluster, id, KeyFiles.read(ClusterKeygen.clientKeyFile(base, id)), 1000, replies));
      }
      long measureFrom = System.nanoTime() + w.toNanos();
      long deadline = measureFrom + d.toNanos();
      long[][] perClient = new long[clients][];
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int index = c;
        Thread t = new Thread(() -> perClient[index] = drive(connections.get(index), index, measureFrom, deadline, completed), "load-" + c);
        threads.add(t);
        t.start();
      }
      long started = System.nanoTime();
      long last = 0;
      while (threads.stream().anyMatch(Thread::isAlive)) {
        Thread.sleep(1000);
        long now = completed.get();
        String phase = System.nanoTime() < measureFrom ? "warm-up" : "";
        System.err.printf("\r%5.0f s  %8d ops  %7d ops/s  %s ", (System.nanoTime() - started) / 1e9, now, now - last, phase);
        last = now;
      }
      System.err.println();
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - Math.max(started, measureFrom)) / 1e9;
      long[] all = Arrays.stream(perClient).flatMapToLong(Arrays::stream).sorted().toArray();
      out.printf("clients  ops      seconds  ops/s     p50 ms  p90 ms  p99 ms  p99.9 ms%n");
      out.printf("%-8d %-8d %-8.1f %-9.0f %-7.2f %-7.2f %-7.2f %-7.2f%n", clients, all.length, seconds, all.length / seconds,
          pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), pct(all, 0.999));
      return all.length > 0 ? 0 : 1;
    } finally {
      connections.forEach(BftClient::close);
    }
  }

  /** Runs one client until {@code deadline}; returns the latencies of operations that started after {@code measureFrom}. */
  private long[] drive(BftClient client, int index, long measureFrom, long deadline, AtomicLong completed) {
    Random random = new Random(index);
    long[] latencies = new long[1 << 16];
    int n = 0;
    byte[] key = ByteBuffer.allocate(8).putLong(index).array();
    byte[] value = new byte[size - 13 - key.length + 4];
    while (System.nanoTime() < deadline) {
      random.nextBytes(value);
      long t0 = System.nanoTime();
      try {
        client.invoke(new KvOperation.Put(key, value).encode()).get();
      } catch (Exception e) {
        break;
      }
      completed.incrementAndGet();
      if (t0 < measureFrom) {
        continue;
      }
      if (n == latencies.length) {
        latencies = Arrays.copyOf(latencies, n * 2);
      }
      latencies[n++] = System.nanoTime() - t0;
    }
    return Arrays.copyOf(latencies, n);
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
  }

  static Duration parseDuration(String text) {
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      } else if (text.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      } else if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("--duration '" + text + "' is not like 30s, 2m or 500ms");
  }
}
