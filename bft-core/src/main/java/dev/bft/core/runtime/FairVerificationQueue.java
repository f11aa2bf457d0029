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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FairVerificationQueue.class);
  private final java.util.function.IntUnaryOperator limitOf;
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

  FairVerificationQueue(String name, int threads, int perSourceLimit, int maxGroup, Consumer<List<T>> handler) {
    this(name, threads, source -> perSourceLimit, maxGroup, handler);
  }

  /** {@code limitOf}: the bound of each source's queue (a replica needs room for bursts; a client does not). */
  FairVerificationQueue(String name, int threads, java.util.function.IntUnaryOperator limitOf, int maxGroup,
                        Consumer<List<T>> handler) {
    this.limitOf = limitOf;
    this.maxGroup = maxGroup;
    this.handler = handler;
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
    if (q.size() >= limitOf.applyAsInt(source) || stopped) {
      return false;
    }
    q.add(item);
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
    int waiting = size.get();
    int share = (waiting + idle) / (idle + 1);
    int want = Math.max(1, Math.min(maxGroup, Math.max(Math.min(waiting, SPLIT_AT_LEAST), share)));
    List<T> group = new ArrayList<>(want);
    while (group.size() < want && !turns.isEmpty()) {
      int source = turns.poll();
      ArrayDeque<T> q = queues.get(source);
      group.add(q.poll());
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
      } catch (RuntimeException e) {
        LOG.error("{}: a verification group failed", Thread.currentThread().getName(), e);
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
