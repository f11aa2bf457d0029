package dev.bft.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One thread that runs tasks in groups: whatever queued up while the previous group ran goes back
 * to back, then {@code afterGroup} runs once. The replica's protocol thread is one (after a group
 * of events it hands their effects on); its storage writer is another (after a group it commits
 * once and flushes each link once). Under load that is group commit: one fsync for many tasks.
 * The {@link Lane} of a real process.
 */
final class GroupedExecutor implements Lane {
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final int maxGroup;
  private final Runnable afterGroup;
  private final java.util.function.BiConsumer<String, Throwable> failed;
  private volatile boolean stopped;

  /**
   * @param maxGroup   most tasks run before {@code afterGroup}, bounding how long a message waits to leave
   * @param afterGroup runs on this executor's thread after each group
   * @param failed     told when a task or {@code afterGroup} throws: the thread then stops, since
   *                   what it holds is no longer known to be right
   */
  GroupedExecutor(String name, int maxGroup, Runnable afterGroup, java.util.function.BiConsumer<String, Throwable> failed) {
    this.maxGroup = maxGroup;
    this.afterGroup = afterGroup;
    this.failed = failed;
    this.thread = new Thread(this::run, name);
  }

  @Override
  public void start() {
    thread.start();
  }

  @Override
  public void execute(Runnable task) {
    if (!stopped) {
      tasks.add(task);
    }
  }

  @Override
  public boolean onThisLane() {
    return Thread.currentThread() == thread;
  }

  private void run() {
    try {
      runGroups();
    } catch (Throwable t) {
      // A bug or an exhausted resource, not a peer: peers' bad input is dropped and counted before it gets here.
      stopped = true;
      failed.accept(thread.getName(), t);
    }
  }

  private void runGroups() {
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
        task.run();
      }
      group.clear();
      if (!stopped) {
        afterGroup.run();
      }
    }
  }

  /** Stops after the task running now; queued tasks are dropped. */
  @Override
  public void stop(long waitMillis) {
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
