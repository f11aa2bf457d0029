package dev.bft.core.runtime;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verification stage's work queue, one bounded queue per source (replica or client) served
 * round-robin by the worker threads, as Aardvark does: a peer that floods the replica with frames
 * fills only its own queue and gets one turn in n, so the other peers' messages are still checked
 * promptly, and past its bound its frames are dropped (the caller counts them) instead of
 * exhausting memory.
 */
final class FairVerificationQueue {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FairVerificationQueue.class);
  private final int perSourceLimit;
  private final Map<Integer, ArrayDeque<Runnable>> queues = new HashMap<>();
  /** Sources with work, in the order their next turn comes. */
  private final ArrayDeque<Integer> turns = new ArrayDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final Thread[] workers;
  private volatile boolean stopped;

  FairVerificationQueue(String name, int threads, int perSourceLimit) {
    this.perSourceLimit = perSourceLimit;
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

  /** Queues a task of {@code source}; false (and nothing queued) when that source's queue is full. */
  synchronized boolean submit(int source, Runnable task) {
    ArrayDeque<Runnable> q = queues.computeIfAbsent(source, s -> new ArrayDeque<>());
    if (q.size() >= perSourceLimit || stopped) {
      return false;
    }
    q.add(task);
    size.incrementAndGet();
    if (q.size() == 1) {
      turns.add(source);
      notify();
    }
    return true;
  }

  /** The next task, taking sources in turn; blocks while there is none. */
  synchronized Runnable take() throws InterruptedException {
    while (turns.isEmpty()) {
      if (stopped) {
        throw new InterruptedException("stopped");
      }
      wait();
    }
    int source = turns.poll();
    ArrayDeque<Runnable> q = queues.get(source);
    Runnable task = q.poll();
    if (!q.isEmpty()) {
      turns.add(source);
    }
    size.decrementAndGet();
    return task;
  }

  private void work() {
    while (!stopped) {
      Runnable task;
      try {
        task = take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("{}: a verification task failed", Thread.currentThread().getName(), e);
      }
    }
  }

  /** Tasks waiting, over all sources. */
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
