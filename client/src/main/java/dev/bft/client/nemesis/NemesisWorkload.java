package dev.bft.client.nemesis;

import dev.bft.client.BftClient;
import dev.bft.client.BftClientException;
import dev.bft.client.ClientResources;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.sim.check.KvHistory;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The clients of a nemesis run: N identities, each in a closed loop of one operation at a time on
 * a small key space (so operations conflict): puts of values never written before (so a read
 * names the write it saw), ordered gets, read-only gets, deletes, and compare-and-sets expecting
 * what this client last read of the key. Each operation has a deadline; when it passes the
 * operation is recorded as unknown, and the client's next request number supersedes it.
 */
final class NemesisWorkload implements AutoCloseable {
  static final long RETRANSMIT_MILLIS = 1000;
  private final ClusterConfig cluster;
  private final Path keyDir;
  private final List<Integer> identities;
  private final int keys;
  private final long seed;
  private final long deadlineMillis;
  private final History history;
  private final long startNanos;
  /** Nanoseconds between one client's operations (0: as fast as answers come). */
  private final long pacingNanos;
  private final ClientResources shared;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /** {@code rate}: operations per second across all clients, 0 for closed loops without pause. */
  NemesisWorkload(ClusterConfig cluster, Path keyDir, int clients, int keys, long seed, long deadlineMillis, History history,
                  long startNanos, int rate) {
    this.cluster = cluster;
    this.keyDir = keyDir;
    this.identities = new ArrayList<>(cluster.clients().keySet()).subList(0, clients);
    this.keys = keys;
    this.seed = seed;
    this.deadlineMillis = deadlineMillis;
    this.history = history;
    this.startNanos = startNanos;
    this.pacingNanos = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(clients) / rate;
    this.shared = new ClientResources(cluster, 1);
  }

  static byte[] key(int k) {
    return ("k" + k).getBytes(StandardCharsets.UTF_8);
  }

  void start() {
    running = true;
    for (int id : identities) {
      Thread t = new Thread(() -> loop(id), "nemesis-client-" + id);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Lets each client finish (or give up on) its operation in flight, and stops them. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(deadlineMillis + 10_000);
    }
  }

  private void loop(int id) {
    Random random = new Random(seed * 31 + id);
    Map<Integer, byte[]> lastRead = new HashMap<>();
    int written = 0;
    BftClient client = open(id);
    long slot = System.nanoTime();
    while (running) {
      if (pacingNanos > 0) {
        // a slot missed while an operation was slow is skipped, not made up in a burst
        slot = Math.max(slot + pacingNanos, System.nanoTime() - pacingNanos);
        LockSupport.parkNanos(slot - System.nanoTime());
      }
      int k = random.nextInt(keys);
      int dice = random.nextInt(100);
      boolean readOnly = false;
      KvOperation op;
      if (dice < 30) {
        op = new KvOperation.Put(key(k), value(id, ++written));
      } else if (dice < 50) {
        op = new KvOperation.Get(key(k));
      } else if (dice < 70) {
        op = new KvOperation.Get(key(k));
        readOnly = true;
      } else if (dice < 80) {
        op = new KvOperation.Delete(key(k));
      } else {
        op = new KvOperation.Cas(key(k), lastRead.get(k), value(id, ++written));
      }
      History.Op done = run(client, id, op, readOnly, deadlineMillis);
      if (done.outcome() == KvHistory.Outcome.OK) {
        remember(lastRead, k, op, done.result());
      }
    }
    client.close();
  }

  /** What this client now believes key {@code k} holds, for its next compare-and-set. */
  private static void remember(Map<Integer, byte[]> lastRead, int k, KvOperation op, KvResult r) {
    if (op instanceof KvOperation.Get) {
      lastRead.put(k, r.status() == KvResult.Status.VALUE ? r.value() : null);
    } else if (op instanceof KvOperation.Cas && r.status() == KvResult.Status.CAS_FAILED) {
      lastRead.put(k, r.value());
    }
  }

  private static byte[] value(int client, int n) {
    return ("c" + client + "-" + n).getBytes(StandardCharsets.UTF_8);
  }

  private BftClient open(int id) {
    Ed25519KeyPair key = KeyFiles.read(ClusterKeygen.clientKeyFile(keyDir, id));
    return new BftClient(cluster, id, key, RETRANSMIT_MILLIS, shared);
  }

  /** Runs one operation to its outcome and records it. */
  History.Op run(BftClient client, int id, KvOperation op, boolean readOnly, long deadline) {
    long invoked = System.nanoTime() - startNanos;
    Duration within = Duration.ofMillis(deadline);
    CompletableFuture<byte[]> future = readOnly ? client.invokeReadOnly(op.encode(), within) : client.invoke(op.encode(), within);
    History.Op recorded;
    try {
      KvResult result = KvResult.decode(future.get());
      recorded = new History.Op(id, op, readOnly, invoked, System.nanoTime() - startNanos, KvHistory.Outcome.OK, result);
    } catch (ExecutionException | CompletionException e) {
      recorded = new History.Op(id, op, readOnly, invoked, System.nanoTime() - startNanos, classify(e.getCause()), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      recorded = new History.Op(id, op, readOnly, invoked, System.nanoTime() - startNanos, KvHistory.Outcome.UNKNOWN, null);
    }
    history.add(recorded);
    return recorded;
  }

  /** A failure the client knows did not execute (refused, or never sent) failed; any other may have executed. */
  static KvHistory.Outcome classify(Throwable failure) {
    BftClientException e = BftClientException.of(failure);
    return e != null && e.outcome() == BftClientException.Outcome.NOT_EXECUTED ? KvHistory.Outcome.FAIL : KvHistory.Outcome.UNKNOWN;
  }

  /**
   * After the faults: an ordered get of every key, each tried with fresh clients until one
   * returns or {@code giveUpMillis} pass. Returns how many keys could not be read.
   */
  int finalReads(long giveUpMillis) {
    int id = cluster.clients().lastKey(); // an identity of its own: a workload client may still have a request out
    int unread = 0;
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(giveUpMillis);
    BftClient client = open(id);
    for (int k = 0; k < keys; k++) {
      boolean read = false;
      while (!read && System.nanoTime() < end) {
        read = run(client, id, new KvOperation.Get(key(k)), false, deadlineMillis).outcome() == KvHistory.Outcome.OK;
      }
      unread += read ? 0 : 1;
    }
    client.close();
    return unread;
  }

  @Override
  public void close() {
    running = false;
    shared.close();
  }
}
