package dev.bft.core.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The verification stage's work queue, one bounded queue per source (replica or client) served
 * round-robin by the worker threads, as Aardvark does: a peer that floods the replica with frames
 * fills only its own queue and gets one turn in n, so the other peers' messages are still checked
 * promptly, and past its bound its frames are dropped (the caller counts them) instead of
 * exhausting memory.
 *
 * <p>A worker takes a group of items at once (still one per source per turn) and hands the group
 * to the handler, so the signatures in it can be checked by one batch equation. What is waiting is
 * split among the idle workers only where each part is still a batch worth having
 * ({@value #SPLIT_AT_LEAST} items): a signature checked by itself costs two or three times its
 * share of a batch, and a replica sharing its machine's cores gains nothing from splitting.
 */
final class FairVerificationQueue<T> {
  private final Bounds<T> bounds;
  private final java.util.function.BiConsumer<String, Throwable> failed;
  /** Bytes waiting per source. */
  private final Map<Integer, long[]> bytes = new HashMap<>();
  private final int maxGroup;
  private final Consumer<List<T>> handler;
  private final Map<Integer, ArrayDeque<T>> queues = new HashMap<>();
  /** Sources with work, in the order their next turn comes. */
  private final ArrayDeque<Integer> turns = new ArrayDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final Thread[] workers;
  private volatile boolean stopped;
  /** Workers blocked in {@link #take()}, waiting for work. */
  private int idle;
  static final int SPLIT_AT_LEAST = 16;

  /** For tests: the same frame bound for every source and no byte bound. */
  FairVerificationQueue(String name, int threads, int perSourceLimit, int maxGroup, Consumer<List<T>> handler) {
    this(name, threads, Bounds.frames(source -> perSourceLimit), maxGroup, handler, (thread, t) -> { });
  }

  /** For tests: per-source frame bounds, no byte bound. */
  FairVerificationQueue(String name, int threads, java.util.function.IntUnaryOperator limitOf, int maxGroup,
                        Consumer<List<T>> handler) {
    this(name, threads, Bounds.frames(limitOf), maxGroup, handler, (thread, t) -> { });
  }

  /**
   * How much each source may have waiting: frames (a replica needs room for bursts; a client does
   * not) and bytes, since a peer's frames may each be as large as the frame limit and a bound in
   * frames alone would let it park gigabytes here.
   */
  record Bounds<T>(java.util.function.IntUnaryOperator framesOf, java.util.function.IntToLongFunction bytesOf,
                   java.util.function.ToIntFunction<T> sizeOf) {
    static <T> Bounds<T> frames(java.util.function.IntUnaryOperator framesOf) {
      return new Bounds<>(framesOf, source -> Long.MAX_VALUE, item -> 0);
    }
  }

  /** @param failed told when the handler throws (our failure, never a peer's): the worker stops */
  FairVerificationQueue(String name, int threads, Bounds<T> bounds, int maxGroup, Consumer<List<T>> handler,
                        java.util.function.BiConsumer<String, Throwable> failed) {
    this.bounds = bounds;
    this.maxGroup = maxGroup;
    this.handler = handler;
    this.failed = failed;
    this.workers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = new Thread(this::work, name + "-" + i);
      workers[i].setDaemon(true);
    }
  }

  void start() {
    for (Thread t : workers) {
      t.start();
    }
  }

  /** Queues an item of {@code source}; false (and nothing queued) when that source's queue is full. */
  synchronized boolean submit(int source, T item) {
    return submit(source, item, true);
  }

  /**
   * As {@link #submit(int, Object)}; with {@code wake} false no idle worker is woken for it, and
   * the caller must call {@link #wake()} when it has queued what it has at hand. An I/O thread
   * queues the frames of one socket read so, and they are verified as one group instead of the
   * first waking a worker that takes it alone (one signature checked by itself costs two or three
   * times what it costs in a batch).
   */
  synchronized boolean submit(int source, T item, boolean wake) {
    ArrayDeque<T> q = queues.computeIfAbsent(source, s -> new ArrayDeque<>());
    long[] waiting = bytes.computeIfAbsent(source, s -> new long[1]);
    int itemBytes = bounds.sizeOf().applyAsInt(item);
    if (q.size() >= bounds.framesOf().applyAsInt(source) || waiting[0] + itemBytes > bounds.bytesOf().applyAsLong(source)
        || stopped) {
      return false;
    }
    q.add(item);
    waiting[0] += itemBytes;
    size.incrementAndGet();
    if (q.size() == 1) {
      turns.add(source);
      if (wake) {
        notify();
      }
    }
    return true;
  }

  /** Wakes an idle worker for what was queued without waking one; it wakes another if it leaves work. */
  synchronized void wake() {
    if (size.get() > 0) {
      notify();
    }
  }

  /**
   * The next group, sources taken in turn: at least one item, at most {@code maxGroup}; the waiting
   * items are shared with the other idle workers when each share is at least
   * {@value #SPLIT_AT_LEAST}. Blocks while there is nothing.
   */
  synchronized List<T> take() throws InterruptedException {
    while (turns.isEmpty()) {
      if (stopped) {
        throw new InterruptedException("stopped");
      }
      idle++;
      try {
        wait();
      } finally {
        idle--;
      }
    }
    return nextGroup();
  }

  /** As {@link #take()} without blocking: the next group, or none. For a queue without workers, drained by its owner. */
  synchronized List<T> poll() {
    return turns.isEmpty() ? List.of() : nextGroup();
  }

  private List<T> nextGroup() {
    int waiting = size.get();
    int share = (waiting + idle) / (idle + 1);
    int want = Math.max(1, Math.min(maxGroup, Math.max(Math.min(waiting, SPLIT_AT_LEAST), share)));
    List<T> group = new ArrayList<>(want);
    while (group.size() < want && !turns.isEmpty()) {
      int source = turns.poll();
      ArrayDeque<T> q = queues.get(source);
      T item = q.poll();
      bytes.get(source)[0] -= bounds.sizeOf().applyAsInt(item);
      group.add(item);
      if (!q.isEmpty()) {
        turns.add(source);
      }
    }
    size.addAndGet(-group.size());
    if (!turns.isEmpty() && idle > 0) {
      notify(); // the rest is another idle worker's
    }
    return group;
  }

  /** Workers waiting for work (for tests). */
  synchronized int idleWorkers() {
    return idle;
  }

  private void work() {
    while (!stopped) {
      List<T> group;
      try {
        group = take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        handler.accept(group);
      } catch (Throwable t) {
        // Peers' bad frames are rejected by the decoder, never thrown: this is ours, and stops the replica.
        stopped = true;
        failed.accept(Thread.currentThread().getName(), t);
        return;
      }
    }
  }

  /** Items waiting, over all sources. */
  int size() {
    return size.get();
  }

  void stop() {
    synchronized (this) {
      stopped = true;
      notifyAll();
    }
    for (Thread t : workers) {
      t.interrupt();
    }
  }
}
