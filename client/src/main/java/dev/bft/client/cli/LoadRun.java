package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.client.ClientResources;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvOperation;
import dev.bft.crypto.KeyFiles;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load from N client identities, each with at most one signed operation in flight (a put, or a
 * read-only get of the client's key for the given share of operations), for a while: closed (each
 * identity issues its next operation when the last completes) or open (operations arrive at a
 * rate). What {@code bft client load} and {@code bft bench} measure with.
 *
 * <p>The identities connect once, when the run opens, and stay connected across its points: a
 * suite that reconnected its clients between warm-up and measurement measured the replicas
 * re-learning new links (deoptimisation bursts in their JIT logs at each reconnect) rather than
 * the steady state a long-lived client population sees.
 */
final class LoadRun implements AutoCloseable {
  private final int size;
  private final double readRatio;
  private final double rate;
  private final ScheduledExecutorService arrivals;
  private final List<BftClient> connections = new ArrayList<>();
  /** Each put writes a key of its own (the state grows), rather than its identity's one key. */
  private boolean uniqueKeys;
  private java.io.PrintWriter perSecond;
  /** Per identity, how many unique keys it has written (they are 0..count-1): what a read-back checks. */
  private final java.util.Map<Integer, AtomicLong> written = new java.util.concurrent.ConcurrentHashMap<>();
  // Shared: a few I/O threads for all links, one check per replica and batch of replies.
  private final ClientResources shared;

  /**
   * Connects the first {@code clients} identities of the cluster file, whose keys are in {@code base}
   * (the cluster file's directory); each operation is {@code size} bytes, a {@code readRatio} share of
   * them read-only gets.
   */
  LoadRun(ClusterConfig cluster, Path base, int clients, int size, double readRatio) {
    this(cluster, base, clients, size, readRatio, 0);
  }

  /**
   * As above; with {@code rate} > 0 the load is open: operations arrive at {@code rate} per second
   * in all (each identity a Poisson process of its share), and an operation's latency counts from
   * its arrival, also when it had to wait for its identity's previous one to finish (so a slow
   * phase is not hidden by the load slowing down with it).
   */
  LoadRun(ClusterConfig cluster, Path base, int clients, int size, double readRatio, double rate) {
    if (rate < 0 || Double.isNaN(rate)) {
      throw new IllegalArgumentException("--rate " + rate + " is not operations per second (0 for the closed loop)");
    }
    if (readRatio < 0 || readRatio > 1) {
      throw new IllegalArgumentException("--read-ratio " + readRatio + " is not between 0 and 1");
    }
    if (size < 13) {
      throw new IllegalArgumentException("--size " + size + " is too small for a put (at least 13 bytes)");
    }
    List<Integer> ids = new ArrayList<>(cluster.clients().keySet());
    if (clients < 1 || clients > ids.size()) {
      throw new IllegalArgumentException("--clients " + clients + ": the cluster file has " + ids.size()
          + " client identities (bft keygen --clients N makes more)");
    }
    this.size = size;
    this.readRatio = readRatio;
    this.rate = rate;
    this.arrivals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "load-arrivals");
      t.setDaemon(true);
      return t;
    });
    this.shared = new ClientResources(cluster);
    try {
      for (int c = 0; c < clients; c++) {
        int id = ids.get(c);
        connections.add(new BftClient(cluster, id, ClientCommand.readKey(ClusterKeygen.clientKeyFile(base, id), id), 1000, shared));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Makes every put write a key of its own, {@code [identity:8][n:8]}, with a value derived from
   * the key (so the state grows with the run, and {@link #readBack} can check every value without
   * keeping any).
   */
  LoadRun uniqueKeys() {
    this.uniqueKeys = true;
    return this;
  }

  /**
   * Prints, each second of the load, a line {@code <second> <operations completed in it>} from its
   * first operation on, warm-up included: the curve of a cold cluster warming up.
   */
  LoadRun perSecond(java.io.PrintWriter to) {
    this.perSecond = to;
    return this;
  }

  /** What a read-back found: keys read, and the first key whose value was not the one written (or null). */
  record ReadBack(long keys, String firstMismatch) {}

  /**
   * Reads every unique key written back through the cluster (read-only gets, {@code clients}
   * identities at once) and compares each value with the one derived from its key.
   */
  ReadBack readBack(int clients) throws InterruptedException {
    AtomicLong read = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<String> mismatch = new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < Math.min(clients, connections.size()); c++) {
      int reader = c;
      Thread t = new Thread(() -> {
        BftClient client = connections.get(reader);
        for (var e : written.entrySet()) {
          for (long n = reader; n < e.getValue().get() && mismatch.get() == null; n += Math.min(clients, connections.size())) {
            byte[] key = uniqueKey(e.getKey(), n);
            byte[] expected = valueOf(key, size);
            byte[] got;
            try {
              got = client.invokeReadOnly(new KvOperation.Get(key).encode()).get(2, TimeUnit.MINUTES);
            } catch (Exception ex) {
              mismatch.compareAndSet(null, describe(e.getKey(), n) + ": " + ex);
              return;
            }
            if (!Arrays.equals(got, dev.bft.core.service.KvResult.value(expected).encode())) {
              mismatch.compareAndSet(null, describe(e.getKey(), n) + " does not hold the value written");
            }
            read.incrementAndGet();
          }
        }
      }, "read-back-" + reader);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new ReadBack(read.get(), mismatch.get());
  }

  private static String describe(int identity, long n) {
    return "key " + n + " of identity " + identity;
  }

  static byte[] uniqueKey(int identity, long n) {
    return UniqueKeys.key(identity, n);
  }

  static byte[] valueOf(byte[] key, int size) {
    return UniqueKeys.value(key, size);
  }

  /** How many identities this run has connected. */
  int connected() {
    return connections.size();
  }

  /**
   * Latencies (ns, sorted) of the operations that started after the warm-up, over {@code seconds};
   * {@code warmupSeconds}: how long the load ran before the measurement began.
   */
  record Result(int clients, long[] latencies, double seconds, double warmupSeconds) {
    double opsPerSecond() {
      return latencies.length / seconds;
    }

    /** The q-quantile of latency in milliseconds. */
    double millis(double q) {
      return latencies.length == 0 ? 0 : latencies[Math.min(latencies.length - 1, (int) (q * latencies.length))] / 1e6;
    }
  }

  /**
   * How long to load before measuring: at least {@code min}, then until {@code settled} says so
   * (asked about once a second), at most {@code max}.
   */
  record Warmup(Duration min, Duration max, java.util.function.BooleanSupplier settled) {}

  /** One run of {@code clients} identities, connected for it and closed after: {@code bft client load}. */
  static Result run(ClusterConfig cluster, Path base, int clients, int size, double readRatio, Duration warmup,
                    Duration duration, boolean progress) throws InterruptedException {
    return run(cluster, base, clients, size, readRatio, 0, warmup, duration, progress);
  }

  /** As above, open at {@code rate} operations per second when it is positive. */
  static Result run(ClusterConfig cluster, Path base, int clients, int size, double readRatio, double rate,
                    Duration warmup, Duration duration, boolean progress) throws InterruptedException {
    try (LoadRun load = new LoadRun(cluster, base, clients, size, readRatio, rate)) {
      return load.measure(clients, new Warmup(warmup, warmup, () -> true), duration, progress, () -> {});
    }
  }

  /**
   * Loads with the first {@code clients} identities until the warm-up ends, then measures for
   * {@code duration}; {@code measuring} runs on this thread once the measurement begins (within a few
   * ms). Returns once every loop has finished its last operation, so the next point starts idle.
   */
  Result measure(int clients, Warmup warmup, Duration duration, boolean progress, Runnable measuring)
      throws InterruptedException {
    return measure(clients, rate, warmup, duration, progress, measuring);
  }

  /** As above, open at {@code rate} operations per second when it is positive (whatever the run's), closed at 0. */
  Result measure(int clients, double rate, Warmup warmup, Duration duration, boolean progress, Runnable measuring)
      throws InterruptedException {
    if (rate < 0 || Double.isNaN(rate)) {
      throw new IllegalArgumentException("a rate of " + rate + " operations per second");
    }
    if (clients < 1 || clients > connections.size()) {
      throw new IllegalArgumentException("a point of " + clients + " clients on a run of " + connections.size());
    }
    AtomicLong completed = new AtomicLong();
    long started = System.nanoTime();
    AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
    AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
    if (warmup.min().equals(warmup.max())) {
      measureFrom.set(started + warmup.min().toNanos());
      deadline.set(measureFrom.get() + duration.toNanos());
    }
    List<IdentityLoop> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      IdentityLoop loop = new IdentityLoop(connections.get(c), c, size, readRatio, measureFrom, deadline, completed,
          rate > 0 ? clients * 1e9 / rate : 0, arrivals, uniqueKeys ? written.computeIfAbsent(c, k -> new AtomicLong()) : null);
      loops.add(loop);
      loop.next();
    }
    long last = 0;
    long lastReport = started;
    long lastSecond = 0;
    int second = 0;
    long lastAsked = started;
    boolean announced = false;
    while (loops.stream().anyMatch(loop -> !loop.done.isDone())) {
      Thread.sleep(20);
      long now = System.nanoTime();
      long elapsed = now - started;
      if (measureFrom.get() == Long.MAX_VALUE && elapsed >= warmup.min().toNanos() && now - lastAsked >= 1_000_000_000L) {
        lastAsked = now;
        if (elapsed >= warmup.max().toNanos() || warmup.settled().getAsBoolean()) {
          long from = System.nanoTime();
          deadline.set(from + duration.toNanos());
          measureFrom.set(from);
        }
      }
      if (!announced && System.nanoTime() >= measureFrom.get()) {
        announced = true;
        measuring.run();
      }
      if (perSecond != null && elapsed >= (second + 1) * 1_000_000_000L) {
        long done = completed.get();
        perSecond.printf("%d %d%n", ++second, done - lastSecond);
        perSecond.flush();
        lastSecond = done;
      }
      if (progress && now - lastReport >= 1_000_000_000L) {
        long done = completed.get();
        String phase = now < measureFrom.get() ? "warm-up" : "";
        System.err.printf("\r%5.0f s  %8d ops  %7d ops/s  %s ", elapsed / 1e9, done, done - last, phase);
        last = done;
        lastReport = now;
      }
    }
    if (progress) {
      System.err.println();
    }
    long from = measureFrom.get() == Long.MAX_VALUE ? System.nanoTime() : measureFrom.get();
    double seconds = (System.nanoTime() - Math.max(started, from)) / 1e9;
    long[] all = loops.stream().flatMapToLong(loop -> Arrays.stream(loop.done.join())).sorted().toArray();
    return new Result(clients, all, seconds, (from - started) / 1e9);
  }

  @Override
  public void close() {
    arrivals.shutdownNow();
    connections.forEach(BftClient::close);
    shared.close();
  }

  /**
   * One identity's loop, run by completions: each finished operation issues the next from its
   * callback, on the client's own I/O thread (closed loop), or schedules it for its next arrival
   * (open loop), so no thread waits per client. {@code done} yields the latencies of operations
   * that started (open loop: arrived) after {@code measureFrom}, once {@code deadline} passed.
   */
  private static final class IdentityLoop {
    final CompletableFuture<long[]> done = new CompletableFuture<>();
    private final BftClient client;
    private final double readRatio;
    private final AtomicLong measureFrom;
    private final AtomicLong deadline;
    private final AtomicLong completed;
    private final Random random;
    private final byte[] key;
    private final byte[] value;
    private long[] latencies = new long[1 << 16];
    private int n;
    /** Open loop: mean nanoseconds between this identity's arrivals (0: closed loop) and the next arrival. */
    private final double meanGap;
    private final ScheduledExecutorService arrivals;
    private long arrival = System.nanoTime();
    private final int index;
    private final int size;
    /** With unique keys: how many this identity has written (each acknowledged before the next). */
    private final AtomicLong unique;

    IdentityLoop(BftClient client, int index, int size, double readRatio, AtomicLong measureFrom, AtomicLong deadline,
               AtomicLong completed, double meanGap, ScheduledExecutorService arrivals, AtomicLong unique) {
      this.index = index;
      this.size = size;
      this.unique = unique;
      this.meanGap = meanGap;
      this.arrivals = arrivals;
      this.client = client;
      this.readRatio = readRatio;
      this.measureFrom = measureFrom;
      this.deadline = deadline;
      this.completed = completed;
      this.random = new Random(index);
      this.key = ByteBuffer.allocate(8).putLong(index).array();
      this.value = new byte[size - 13 - key.length + 4];
    }

    void next() {
      if (meanGap > 0) {
        arrival += (long) (-Math.log(1 - random.nextDouble()) * meanGap);
        if (deadline.get() != Long.MAX_VALUE && arrival - deadline.get() >= 0) {
          done.complete(Arrays.copyOf(latencies, n));
          return;
        }
        long at = arrival;
        long wait = at - System.nanoTime();
        if (wait > 0) {
          arrivals.schedule(() -> issue(at), wait, TimeUnit.NANOSECONDS);
          return;
        }
        issue(at); // behind: its latency includes the wait for the previous operation
        return;
      }
      issue(System.nanoTime());
    }

    /** Starts the next operation, whose latency counts from {@code t0}. */
    private void issue(long t0) {
      if (System.nanoTime() >= deadline.get()) {
        done.complete(Arrays.copyOf(latencies, n));
        return;
      }
      boolean read = readRatio > 0 && random.nextDouble() < readRatio;
      CompletableFuture<byte[]> op;
      if (unique == null) {
        random.nextBytes(value);
        op = read ? client.invokeReadOnly(new KvOperation.Get(key).encode())
            : client.invoke(new KvOperation.Put(key, value).encode());
      } else {
        long n = unique.get();
        byte[] k = uniqueKey(index, read ? Math.max(0, n - 1) : n);
        op = read ? client.invokeReadOnly(new KvOperation.Get(k).encode())
            : client.invoke(new KvOperation.Put(k, valueOf(k, size)).encode());
      }
      op.whenComplete((result, failure) -> {
        if (failure != null) {
          done.completeExceptionally(failure); // the run reports it: no silent gap in the load
          return;
        }
        if (unique != null && !read) {
          unique.incrementAndGet();
        }
        completed.incrementAndGet();
        if (t0 >= measureFrom.get()) {
          if (n == latencies.length) {
            latencies = Arrays.copyOf(latencies, n * 2);
          }
          latencies[n++] = System.nanoTime() - t0;
        }
        next();
      });
    }
  }
}
