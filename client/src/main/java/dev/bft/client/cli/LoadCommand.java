package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.client.net.DelayRelay;
import dev.bft.client.net.LinkDelay;
import dev.bft.core.config.FreePorts;
import dev.bft.core.config.HostPort;
import dev.bft.core.config.ReplicaEndpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft client load}: closed-loop load from N client identities (each with one signed request
 * in flight, PBFT's client model) for a while, then a table of throughput and latency percentiles;
 * with {@code --rate}, open-loop load at that rate from the same identities.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Closed-loop (or, with --rate, open-loop) load: N clients, signed puts (and read-only gets), for a duration.")
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

  @Option(names = "--rate", defaultValue = "0",
      description = "open loop: operations per second in all, arriving at random (Poisson) and timed from their arrival; 0 is the closed loop (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--read-ratio", defaultValue = "0", description = "share of operations that are read-only gets, 0..1 (default: ${DEFAULT-VALUE})")
  double readRatio;

  @Option(names = "--rtt",
      description = "put this round trip between these clients and every replica, e.g. 40ms, through relays in this process "
          + "(the replicas' own links are the cluster's: bft bench --rtt delays those too)")
  String rtt;

  @Option(names = "--jitter", defaultValue = "0",
      description = "with --rtt: each direction's delay varies uniformly by up to this much either way, never reordering (default: ${DEFAULT-VALUE})")
  String jitter;

  @Option(names = "--keys", defaultValue = "same",
      description = "same: each client puts its one key over and over; unique: every put writes a new key, so the state grows (default: ${DEFAULT-VALUE})")
  String keys;

  @Option(names = "--read-back", description = "with --keys unique: after the run, read every key written back and check its value")
  boolean readBack;

  @Option(names = "--per-second", description = "print each second's completed operations, warm-up included, as "
      + "'<second> <ops>' lines (a cold cluster's curve: bench/scripts/cold_start.sh)")
  boolean perSecond;

  @Override
  public Integer call() throws Exception {
    if (!keys.equals("same") && !keys.equals("unique")) {
      throw new IllegalArgumentException("--keys " + keys + " is not 'same' or 'unique'");
    }
    if (readBack && !keys.equals("unique")) {
      throw new IllegalArgumentException("--read-back checks the keys of --keys unique");
    }
    if (rtt == null && !jitter.equals("0")) {
      throw new IllegalArgumentException("--jitter " + jitter + " needs --rtt (the delay it varies)");
    }
    LinkDelay delay = rtt == null ? null : LinkDelay.parseRoundTrip(rtt, jitter);
    ClusterConfig cluster = ClusterFile.load(config);
    List<DelayRelay> relays = new ArrayList<>();
    try {
      if (delay != null) {
        cluster = throughRelays(cluster, delay, relays);
        spec.commandLine().getErr().println("clients reach each replica through a relay: " + delay.describe());
      }
      Duration w = parseDuration(warmup);
      Duration d = parseDuration(duration);
      try (LoadRun load = new LoadRun(cluster, config.toAbsolutePath().getParent(), clients, size, readRatio, rate)) {
        if (keys.equals("unique")) {
          load.uniqueKeys();
        }
        if (perSecond) {
          load.perSecond(spec.commandLine().getOut());
        }
        int status = report(load.measure(clients, new LoadRun.Warmup(w, w, () -> true), d, true, () -> {}));
        if (readBack) {
          LoadRun.ReadBack back = load.readBack(clients);
          if (back.firstMismatch() != null) {
            spec.commandLine().getErr().println("read-back failed after " + back.keys() + " keys: " + back.firstMismatch());
            return 1;
          }
          spec.commandLine().getOut().println("read back " + back.keys() + " keys: every value as written");
        }
        return status;
      }
    } finally {
      relays.forEach(DelayRelay::close);
    }
  }

  /** The cluster as these clients see it: each replica at a local relay of {@code delay} in front of its address. */
  private static ClusterConfig throughRelays(ClusterConfig cluster, LinkDelay delay, List<DelayRelay> relays) throws IOException {
    TreeMap<Integer, ReplicaEndpoint> relayed = new TreeMap<>();
    int base = FreePorts.consecutive(cluster.n());
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      DelayRelay relay = DelayRelay.start(new HostPort("127.0.0.1", base + r.id()), new HostPort(r.host(), r.port()), delay,
          DelayRelay.DEFAULT_MAX_DELAYED_BYTES, new Random());
      relays.add(relay);
      relayed.put(r.id(), new ReplicaEndpoint(r.id(), "127.0.0.1", relay.port(), r.publicKey(), r.metricsPort()));
    }
    return new ClusterConfig(cluster.f(), relayed, cluster.clients(), cluster.parameters(), cluster.dataDirectory(),
        cluster.metricsHost(), cluster.epoch(), cluster.admins(), cluster.adminQuorum());
  }

  private int report(LoadRun.Result r) {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("clients  ops      seconds  ops/s     p50 ms  p90 ms  p99 ms  p99.9 ms%n");
    out.printf("%-8d %-8d %-8.1f %-9.0f %-7.2f %-7.2f %-7.2f %-7.2f%n", clients, r.latencies().length, r.seconds(),
        r.opsPerSecond(), r.millis(0.50), r.millis(0.90), r.millis(0.99), r.millis(0.999));
    return r.latencies().length > 0 ? 0 : 1;
  }

  static Duration parseDuration(String text) {
    return parseDuration("--duration", text);
  }

  /** {@code text} as a duration (30s, 2m, 500ms), or a one-line error naming {@code option}. */
  static Duration parseDuration(String option, String text) {
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
    throw new IllegalArgumentException(option + " '" + text + "' is not like 30s, 2m or 500ms");
  }
}
