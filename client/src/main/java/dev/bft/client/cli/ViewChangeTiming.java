package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.client.ClientResources;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.service.KvOperation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A view change as the clients see it: under a closed-loop load, the primary is killed (SIGKILL)
 * and the time runs until the first operation issued after the kill completes. Operations already
 * PRE-PREPAREd by the dead primary may still commit in its view (three replicas are a quorum), but
 * one issued after its death can only be ordered by a new primary, so its completion marks the
 * first commit of the new view from the client side. That time includes detection (the client's
 * retransmission timeout, the backups' view-change timeout), the VIEW-CHANGE / NEW-VIEW exchange
 * and the operation's own round trips.
 */
final class ViewChangeTiming {
  /** Longest a measurement waits for the new view: detection, and a second view change if the next primary is slow to take over. */
  static final Duration MOST = Duration.ofSeconds(60);

  /**
   * {@code killed}: the replica killed, the primary of {@code view}; {@code millis}: from the kill
   * until the first operation issued after it completed (negative: none did within {@link #MOST});
   * {@code replicaLines}: what the surviving replicas logged about the view change.
   */
  record Result(int killed, long view, double millis, List<String> replicaLines) {}

  private ViewChangeTiming() {}

  /** Loads with {@code clients} identities for {@code before}, kills the current primary, and times the new view's first operation. */
  static Result measure(ClusterConfig cluster, Path base, int clients, LocalReplicas replicas, Path logs, Duration before)
      throws Exception {
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstAfter = new AtomicLong(Long.MAX_VALUE);
    AtomicBoolean stop = new AtomicBoolean();
    List<Integer> ids = new ArrayList<>(cluster.clients().keySet());
    List<BftClient> connections = new ArrayList<>();
    try (ClientResources shared = new ClientResources(cluster)) {
      try {
        for (int c = 0; c < clients; c++) {
          int id = ids.get(c);
          BftClient client = new BftClient(cluster, id, ClientCommand.readKey(ClusterKeygen.clientKeyFile(base, id), id), 1000, shared);
          connections.add(client);
          loop(client, c, killedAt, firstAfter, stop);
        }
        Thread.sleep(before.toMillis());
        long view = currentView(cluster);
        int primary = (int) (view % cluster.n());
        replicas.kill(primary);
        killedAt.set(System.nanoTime());
        long deadline = System.nanoTime() + MOST.toNanos();
        while (firstAfter.get() == Long.MAX_VALUE && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        stop.set(true);
        Thread.sleep(1000); // the replicas' own log lines of the view change
        long first = firstAfter.get();
        double millis = first == Long.MAX_VALUE ? -1 : (first - killedAt.get()) / 1e6;
        return new Result(primary, view, millis, viewChangeLines(logs, cluster.n(), primary, view));
      } finally {
        stop.set(true);
        connections.forEach(BftClient::close);
      }
    }
  }

  private static void loop(BftClient client, int index, AtomicLong killedAt, AtomicLong firstAfter, AtomicBoolean stop) {
    if (stop.get()) {
      return;
    }
    byte[] key = ByteBuffer.allocate(8).putLong(index).array();
    long issued = System.nanoTime();
    client.invoke(new KvOperation.Put(key, new byte[48]).encode()).whenComplete((result, failure) -> {
      if (failure != null) {
        return; // closed at the end, or past its deadline: the measurement reports what completed
      }
      long now = System.nanoTime();
      if (issued - killedAt.get() >= 0) {
        firstAfter.accumulateAndGet(now, Math::min);
      }
      loop(client, index, killedAt, firstAfter, stop);
    });
  }

  private static long currentView(ClusterConfig cluster) {
    JitSettled.MetricsReader metrics = JitSettled.MetricsReader.overHttp(cluster);
    long view = 0;
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      try {
        view = Math.max(view, (long) StatusCommand.sum(metrics.read(r), "bft_view"));
      } catch (Exception unreadable) {
        // a replica that does not answer does not say which view it is in
      }
    }
    return view;
  }

  /** What the other replicas logged about leaving {@code view} ("view change 3 -> 4 (...) took 512 ms"). */
  private static List<String> viewChangeLines(Path logs, int n, int killed, long view) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path log = logs.resolve("replica-" + i + ".log");
      if (i != killed && Files.exists(log)) {
        Files.readAllLines(log).stream().filter(l -> l.contains("view change " + view + " -> ") && l.contains("took")).forEach(lines::add);
      }
    }
    return lines;
  }
}
