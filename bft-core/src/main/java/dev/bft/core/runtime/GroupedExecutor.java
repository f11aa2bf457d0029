package dev.bft.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that runs tasks in groups: whatever queued up while the previous group ran goes back
 * to back, then {@code afterGroup} runs once. The replica's protocol thread is one (after a group
 * of events it hands their effects on); its storage writer is another (after a group it commits
 * once and flushes each link once). Under load that is group commit: one fsync for many tasks.
 */
final class GroupedExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(GroupedExecutor.class);

  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final int maxGroup;
  private final Runnable afterGroup;
  private volatile boolean stopped;

  /**
   * @param maxGroup   most tasks run before {@code afterGroup}, bounding how long a message waits to leave
   * @param afterGroup runs on this executor's thread after each group
   */
  GroupedExecutor(String name, int maxGroup, Runnable afterGroup) {
    this.maxGroup = maxGroup;
    this.afterGroup = afterGroup;
    this.thread = new Thread(this::run, name);
  }

  void start() {
    thread.start();
  }

  @Override
  public void execute(Runnable task) {
    if (!stopped) {
      tasks.add(task);
    }
  }

  boolean onThisThread() {
    return Thread.currentThread() == thread;
  }

  private void run() {
    List<Runnable> group = new ArrayList<>(maxGroup);
    while (!stopped) {
      try {
        group.add(tasks.take());
      } catch (InterruptedException e) {
        return;
      }
      tasks.drainTo(group, maxGroup - 1);
      for (Runnable task : group) {
        if (stopped) {
          return;
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          // A bug, not a peer: peers' bad input is dropped and counted inside the core.
          LOG.error("{}: a task failed", thread.getName(), e);
        }
      }
      group.clear();
      if (!stopped) {
        afterGroup.run();
      }
    }
  }

  /** Stops after the task running now; queued tasks are dropped. */
  void stop(long waitMillis) {
    stopped = true;
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
