package dev.bft.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's single protocol thread. It takes events in groups: whatever queued up while the
 * previous group was being committed runs back to back, then {@code afterGroup} makes the whole
 * group's records durable in one transaction and releases its messages. Under load this is group
 * commit: one fsync and one flush per link for many events, instead of one per event.
 */
final class ProtocolLoop implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolLoop.class);

  private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final int maxGroup;
  private final Runnable afterGroup;
  private volatile boolean stopped;

  /**
   * @param maxGroup   most events run before a commit, bounding how long a message waits to leave
   * @param afterGroup runs on the protocol thread after each group: commit, then send
   */
  ProtocolLoop(String name, int maxGroup, Runnable afterGroup) {
    this.maxGroup = maxGroup;
    this.afterGroup = afterGroup;
    this.thread = new Thread(this::run, name);
  }

  void start() {
    thread.start();
  }

  @Override
  public void execute(Runnable event) {
    if (!stopped) {
      events.add(event);
    }
  }

  boolean onLoopThread() {
    return Thread.currentThread() == thread;
  }

  private void run() {
    List<Runnable> group = new ArrayList<>(maxGroup);
    while (!stopped) {
      try {
        group.add(events.take());
      } catch (InterruptedException e) {
        return;
      }
      events.drainTo(group, maxGroup - 1);
      for (Runnable event : group) {
        if (stopped) {
          return;
        }
        try {
          event.run();
        } catch (RuntimeException e) {
          // A bug, not a peer: peers' bad input is dropped and counted inside the core.
          LOG.error("{}: an event failed", thread.getName(), e);
        }
      }
      group.clear();
      if (!stopped) {
        afterGroup.run();
      }
    }
  }

  /** Stops after the event running now; queued events are dropped. */
  void stop(long waitMillis) {
    stopped = true;
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.MILLISECONDS.toMillis(waitMillis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  int queued() {
    return events.size();
  }
}
