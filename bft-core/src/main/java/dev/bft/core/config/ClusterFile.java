package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the cluster file: {@code key = value} lines, {@code #} comments. See
 * docs/configuration.md for the format. Loading validates everything and reports the first
 * problem as {@code file:line: what is wrong}.
 */
public final class ClusterFile {
  static final List<String> PARAMETER_KEYS = List.of("f", "batch.size", "batch.delay.ms", "batch.linger.ms", "pipeline.depth",
      "checkpoint.interval", "log.window", "viewchange.timeout.ms", "primary.idle.timeout.ms", "durability", "data.dir", "storage.map.mb",
      "service.map.mb", "metrics.host", "tls", "timestamp.skew.ms", "reply.digest.bytes", "epoch", "epoch.start", "admin.quorum");

  private ClusterFile() {}

  public static ClusterConfig load(Path file) {
    String name = file.toString();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, 0, "cluster file does not exist");
    } catch (IOException e) {
      throw new ConfigException(name, 0, "cannot read cluster file: " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(name, lines, base == null ? Path.of(".") : base);
  }

  /** Parses lines of a cluster file named {@code name}; relative paths resolve against {@code base}. */
  public static ClusterConfig parse(String name, List<String> lines, Path base) {
    Map<String, Integer> lineOf = new HashMap<>();
    Map<String, String> values = new HashMap<>();
    TreeMap<Integer, ReplicaEndpoint> replicas = new TreeMap<>();
    TreeMap<Integer, Integer> replicaLine = new TreeMap<>();
    TreeMap<Integer, Ed25519PublicKey> clients = new TreeMap<>();
    TreeMap<Integer, Ed25519PublicKey> admins = new TreeMap<>();
    Map<String, Integer> addresses = new HashMap<>();
    Map<Integer, Integer> metricsPorts = new HashMap<>();
    Map<Integer, Integer> metricsLines = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int ln = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(name, ln, "expected 'key = value', got '" + abbreviate(line) + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (key.startsWith("replica.") && key.endsWith(".metrics")) {
        String digits = key.substring("replica.".length(), key.length() - ".metrics".length());
        int id = id(name, ln, "replica." + digits, "replica");
        metricsPorts.put(id, (int) number(name, ln, key, value, 1, 65_535));
        metricsLines.put(id, ln);
      } else if (key.startsWith("replica.")) {
        int id = id(name, ln, key, "replica");
        if (replicas.containsKey(id)) {
          throw new ConfigException(name, ln, "replica " + id + " is defined twice (first on line " + replicaLine.get(id) + ")");
        }
        ReplicaEndpoint r = endpoint(name, ln, id, value);
        Integer other = addresses.putIfAbsent(r.address(), ln);
        if (other != null) {
          throw new ConfigException(name, ln, "replica " + id + " address " + r.address() + " is already used on line " + other);
        }
        replicas.put(id, r);
        replicaLine.put(id, ln);
      } else if (key.startsWith("client.")) {
        int id = id(name, ln, key, "client");
        if (clients.containsKey(id)) {
          throw new ConfigException(name, ln, "client " + id + " is defined twice");
        }
        clients.put(id, key(name, ln, "client " + id, value));
      } else if (key.startsWith("admin.") && !key.equals("admin.quorum")) {
        int id = id(name, ln, key, "admin");
        if (admins.containsKey(id)) {
          throw new ConfigException(name, ln, "admin " + id + " is defined twice");
        }
        admins.put(id, key(name, ln, "admin " + id, value));
      } else if (PARAMETER_KEYS.contains(key)) {
        if (values.containsKey(key)) {
          throw new ConfigException(name, ln, "'" + key + "' is set twice (first on line " + lineOf.get(key) + ")");
        }
        values.put(key, value);
        lineOf.put(key, ln);
      } else {
        throw new ConfigException(name, ln, "unknown key '" + key + "'" + suggestion(key));
      }
    }
    if (!values.containsKey("f")) {
      throw new ConfigException(name, 0, "missing 'f = <faults tolerated>'");
    }
    int fLine = lineOf.get("f");
    int f = (int) number(name, fLine, "f", values.get("f"), 1, 100);
    int n = 3 * f + 1;
    if (replicas.size() != n || replicas.firstKey() != 0 || replicas.lastKey() != n - 1) {
      for (int id = 0; id < n; id++) {
        if (!replicas.containsKey(id)) {
          throw new ConfigException(name, fLine, "f = " + f + " needs replicas 0.." + (n - 1) + "; replica " + id + " is missing");
        }
      }
      int extra = replicas.lastKey();
      throw new ConfigException(name, replicaLine.get(extra), "replica " + extra + " is beyond 0.." + (n - 1)
          + ": f = " + f + " means exactly " + n + " replicas");
    }
    for (Map.Entry<Integer, Integer> m : metricsPorts.entrySet()) {
      ReplicaEndpoint r = replicas.get(m.getKey());
      if (r == null) {
        throw new ConfigException(name, metricsLines.get(m.getKey()), "metrics port for replica " + m.getKey()
            + ", which is not in the cluster");
      }
      replicas.put(r.id(), new ReplicaEndpoint(r.id(), r.host(), r.port(), r.publicKey(), m.getValue()));
    }
    for (int c : clients.keySet()) {
      if (c < n) {
        throw new ConfigException(name, 0, "client id " + c + " must not overlap replica ids 0.." + (n - 1));
      }
    }
    for (int a : admins.keySet()) {
      if (a < n || clients.containsKey(a)) {
        throw new ConfigException(name, 0, "admin id " + a + " must not overlap replica ids 0.." + (n - 1)
            + " or a client id: an administrator sends its reconfigurations as a client of its own");
      }
    }
    long epoch = opt(name, values, lineOf, "epoch", 0, 0, Long.MAX_VALUE);
    EpochStart start = epochStart(name, values.get("epoch.start"), lineOf.getOrDefault("epoch.start", 0), epoch);
    int adminQuorum = (int) opt(name, values, lineOf, "admin.quorum", 1, 1, Math.max(1, admins.size()));
    ProtocolParameters d = ProtocolParameters.defaults();
    int batch = (int) opt(name, values, lineOf, "batch.size", d.batchSize(), 1, 65_536);
    String delayText = values.get("batch.delay.ms");
    if (delayText != null && !delayText.equals("drain") && !delayText.matches("-?\\d+")) {
      throw new ConfigException(name, lineOf.get("batch.delay.ms"), "batch.delay.ms '" + delayText
          + "' is neither 'drain' nor a number of milliseconds");
    }
    long delay = "drain".equals(delayText) ? ProtocolParameters.UNTIL_DRAINED
        : opt(name, values, lineOf, "batch.delay.ms", d.batchDelayMillis(), 0, 10_000);
    long linger = opt(name, values, lineOf, "batch.linger.ms", d.batchLingerMillis(), 0, 10_000);
    int interval = (int) opt(name, values, lineOf, "checkpoint.interval", d.checkpointInterval(), 1, 1_000_000);
    int window = (int) opt(name, values, lineOf, "log.window", 2L * interval, interval, 100_000_000);
    if (window % interval != 0) {
      throw new ConfigException(name, lineOf.getOrDefault("log.window", 0), "log.window " + window
          + " must be a multiple of checkpoint.interval " + interval);
    }
    int depth = (int) opt(name, values, lineOf, "pipeline.depth", Math.min(d.pipelineDepth(), window), 1, window);
    long timeout = opt(name, values, lineOf, "viewchange.timeout.ms", d.viewChangeTimeoutMillis(), 10, 3_600_000);
    long idle = opt(name, values, lineOf, "primary.idle.timeout.ms",
        Math.min(d.primaryIdleTimeoutMillis(), timeout), 1, timeout);
    long skew = opt(name, values, lineOf, "timestamp.skew.ms", d.timestampSkewMillis(), 1, 86_400_000);
    // Up to the largest result a REPLY may carry (WireLimits, 1 MiB): above it the threshold could never be passed.
    int replyDigest = (int) opt(name, values, lineOf, "reply.digest.bytes", d.replyDigestBytes(), 0, 1 << 20);
    Durability durability = d.durability();
    if (values.containsKey("durability")) {
      String v = values.get("durability");
      if (!v.equals("sync") && !v.equals("async")) {
        throw new ConfigException(name, lineOf.get("durability"), "durability must be 'sync' or 'async', got '" + v + "'");
      }
      durability = v.equals("sync") ? Durability.SYNC : Durability.ASYNC;
    }
    long mapMb = opt(name, values, lineOf, "storage.map.mb", d.storageMapMegabytes(), 16, 1L << 24);
    long serviceMapMb = opt(name, values, lineOf, "service.map.mb", d.serviceMapMegabytes(), 16, 1L << 26);
    String tls = values.getOrDefault("tls", d.tls() ? "on" : "off");
    if (!tls.equals("on") && !tls.equals("off")) {
      throw new ConfigException(name, lineOf.get("tls"), "tls must be 'on' or 'off', got '" + tls + "'");
    }
    Path data = base.resolve(values.getOrDefault("data.dir", "data")).normalize();
    String metricsHost = values.getOrDefault("metrics.host", ClusterConfig.DEFAULT_METRICS_HOST);
    if (metricsHost.isEmpty() || metricsHost.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(name, lineOf.get("metrics.host"), "metrics.host '" + metricsHost + "' is not a host name or address");
    }
    return new ClusterConfig(f, replicas, clients,
        new ProtocolParameters(batch, delay, depth, interval, window, timeout, idle, durability, mapMb, linger,
            tls.equals("on"), skew, serviceMapMb, replyDigest), data, metricsHost, epoch, admins, adminQuorum, start);
  }

  private static int id(String name, int ln, String key, String kind) {
    String digits = key.substring(kind.length() + 1);
    try {
      int id = Integer.parseInt(digits);
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, ln, kind + " id '" + digits + "' is not a non-negative integer");
    }
  }

  /** {@code epoch.start = <sequence> <state digest hex>}: where an epoch above 0 begins, written by 'bft reconfigure'. */
  private static EpochStart epochStart(String name, String value, int ln, long epoch) {
    if (value == null) {
      if (epoch > 0) {
        throw new ConfigException(name, ln, "epoch " + epoch + " needs 'epoch.start = <sequence> <state digest>', "
            + "as 'bft reconfigure' writes it");
      }
      return EpochStart.FIRST;
    }
    String[] parts = value.split("\\s+");
    try {
      if (parts.length != 2 || epoch == 0) {
        throw new IllegalArgumentException();
      }
      return new EpochStart(Long.parseLong(parts[0]), dev.bft.crypto.Digest.of(java.util.HexFormat.of().parseHex(parts[1])));
    } catch (RuntimeException e) {
      throw new ConfigException(name, ln, "epoch.start '" + abbreviate(value) + "' is not '<sequence> <64 hex digits>'"
          + " of an epoch above 0");
    }
  }

  private static ReplicaEndpoint endpoint(String name, int ln, int id, String value) {
    String[] parts = value.split("\\s+");
    if (parts.length != 2) {
      throw new ConfigException(name, ln, "replica " + id + ": expected '<host>:<port> <public key hex>'");
    }
    int colon = parts[0].lastIndexOf(':');
    if (colon <= 0 || colon == parts[0].length() - 1) {
      throw new ConfigException(name, ln, "replica " + id + ": address '" + parts[0] + "' is not <host>:<port>");
    }
    String host = parts[0].substring(0, colon);
    long port;
    try {
      port = Long.parseLong(parts[0].substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(name, ln, "replica " + id + " port '" + parts[0].substring(colon + 1) + "' is not a number");
    }
    if (port < 1 || port > 65_535) {
      throw new ConfigException(name, ln, "replica " + id + " port " + port + " is out of range");
    }
    return new ReplicaEndpoint(id, host, (int) port, key(name, ln, "replica " + id, parts[1]));
  }

  private static Ed25519PublicKey key(String name, int ln, String who, String hex) {
    try {
      return Ed25519PublicKey.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, ln, who + " public key: " + e.getMessage());
    }
  }

  private static long opt(String name, Map<String, String> values, Map<String, Integer> lineOf, String key, long dflt,
                          long min, long max) {
    return values.containsKey(key) ? number(name, lineOf.get(key), key, values.get(key), min, max) : dflt;
  }

  private static long number(String name, int ln, String key, String value, long min, long max) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name, ln, key + " '" + value + "' is not a number");
    }
    if (v < min || v > max) {
      throw new ConfigException(name, ln, key + " " + v + " is out of range " + min + ".." + max);
    }
    return v;
  }

  private static String suggestion(String key) {
    String best = null;
    int bestDistance = 3;
    for (String k : PARAMETER_KEYS) {
      int d = distance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  /** The text of a cluster file for these replicas, clients and parameters, with comments: epoch 0, no administrators. */
  public static String render(int f, List<ReplicaEndpoint> replicas, Map<Integer, Ed25519PublicKey> clients,
                              ProtocolParameters p, String dataDir) {
    return render(0, EpochStart.FIRST, f, replicas, clients, Map.of(), 1, p, dataDir);
  }

  /** The text of a cluster file of epoch {@code epoch}, with administrators of whom {@code adminQuorum} sign a reconfiguration. */
  public static String render(long epoch, EpochStart start, int f, List<ReplicaEndpoint> replicas,
                              Map<Integer, Ed25519PublicKey> clients,
                              Map<Integer, Ed25519PublicKey> admins, int adminQuorum, ProtocolParameters p, String dataDir) {
    StringBuilder b = new StringBuilder();
    b.append("# dev.bft cluster file (format: docs/configuration.md)\n");
    if (epoch > 0) {
      b.append("# the configuration's epoch: each reconfiguration makes the next (docs/reconfiguration.md)\n");
      b.append("epoch = ").append(epoch).append("\n");
      b.append("# where it starts: the previous epoch's last checkpoint and its state digest\n");
      b.append("epoch.start = ").append(start.sequence()).append(' ').append(java.util.HexFormat.of()
          .formatHex(start.state().bytesUnsafe())).append("\n");
    }
    b.append("# faults tolerated; the cluster has n = 3f + 1 replicas\n");
    b.append("f = ").append(f).append("\n\n");
    b.append("# replica.<id> = <host>:<port> <ed25519 public key>\n");
    for (ReplicaEndpoint r : replicas) {
      b.append("replica.").append(r.id()).append(" = ").append(r.address()).append(' ')
          .append(r.publicKey().toHex()).append('\n');
    }
    if (replicas.stream().anyMatch(r -> r.metricsPort() > 0)) {
      b.append("# replica.<id>.metrics = <port>: its Prometheus endpoint, used by 'bft status'\n");
      for (ReplicaEndpoint r : replicas) {
        if (r.metricsPort() > 0) {
          b.append("replica.").append(r.id()).append(".metrics = ").append(r.metricsPort()).append('\n');
        }
      }
    }
    b.append("\n# client.<id> = <ed25519 public key>; only these clients may submit requests\n");
    new TreeMap<>(clients).forEach((id, key) -> b.append("client.").append(id).append(" = ").append(key.toHex()).append('\n'));
    if (!admins.isEmpty()) {
      b.append("\n# admin.<id> = <ed25519 public key>: administrators; admin.quorum of them sign a reconfiguration\n");
      new TreeMap<>(admins).forEach((id, key) -> b.append("admin.").append(id).append(" = ").append(key.toHex()).append('\n'));
      b.append("admin.quorum = ").append(adminQuorum).append('\n');
    }
    b.append("\n# protocol parameters (all replicas must agree on them)\n");
    b.append("batch.size = ").append(p.batchSize()).append('\n');
    b.append("# while others are in flight, how long a partial batch may wait: 'drain' (until none are) or milliseconds\n");
    b.append("batch.delay.ms = ").append(p.batchDelayMillis() == ProtocolParameters.UNTIL_DRAINED ? "drain"
        : String.valueOf(p.batchDelayMillis())).append('\n');
    b.append("# with nothing in flight, how long a partial batch may wait for the clients of the last two batches (0: not at all)\n");
    b.append("batch.linger.ms = ").append(p.batchLingerMillis()).append('\n');
    b.append("pipeline.depth = ").append(p.pipelineDepth()).append('\n');
    b.append("checkpoint.interval = ").append(p.checkpointInterval()).append('\n');
    b.append("log.window = ").append(p.logWindow()).append('\n');
    b.append("viewchange.timeout.ms = ").append(p.viewChangeTimeoutMillis()).append('\n');
    b.append("# a request a backup holds must be in a PRE-PREPARE within one to two of these while the primary has room\n");
    b.append("primary.idle.timeout.ms = ").append(p.primaryIdleTimeoutMillis()).append('\n');
    b.append("# how far a primary's batch timestamp may lie from a backup's clock before the backup refuses it\n");
    b.append("timestamp.skew.ms = ").append(p.timestampSkewMillis()).append('\n');
    b.append("# a result longer than this many bytes goes in full from one replica, by digest from the others (0: always in full)\n");
    b.append("reply.digest.bytes = ").append(p.replyDigestBytes()).append('\n');
    b.append("durability = ").append(p.durability().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
    b.append("# largest size, in MiB, each replica's LMDB environment may grow to\n");
    b.append("storage.map.mb = ").append(p.storageMapMegabytes()).append('\n');
    b.append("# largest size, in MiB, a service that stores its own state (the key-value store) may grow to\n");
    b.append("service.map.mb = ").append(p.serviceMapMegabytes()).append('\n');
    b.append("# TLS 1.3 with the keys above pinned, on every link; 'off' only to measure what it costs\n");
    b.append("tls = ").append(p.tls() ? "on" : "off").append('\n');
    b.append("# replica i keeps its LMDB environment in <data.dir>/replica-i (relative to this file)\n");
    b.append("data.dir = ").append(dataDir).append('\n');
    return b.toString();
  }
}
