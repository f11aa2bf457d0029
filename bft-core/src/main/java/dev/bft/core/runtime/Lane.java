package dev.bft.core.runtime;

import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * A serial executor that runs its tasks in groups and, after each group, one {@code afterGroup}
 * step: the protocol thread (after a group of events, hand their effects on) and the storage
 * writer (after a group, one commit and one flush per link). In a process each lane is a thread
 * ({@link GroupedExecutor}); in a simulation a lane is drained by the event queue, so the same
 * grouping runs deterministically.
 */
public interface Lane extends Executor {
  /** Whether the caller runs as this lane now. */
  boolean onThisLane();

  void start();

  /** Stops after the task running now; queued tasks are dropped (as a crash drops them). */
  void stop(long waitMillis);

  /** Makes the lanes of one replica. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param maxGroup   most tasks run before {@code afterGroup}, bounding how long a message waits to leave
     * @param afterGroup runs as the lane after each group
     * @param failed     told when a task or {@code afterGroup} throws: the lane then stops
     */
    Lane create(String name, int maxGroup, Runnable afterGroup, BiConsumer<String, Throwable> failed);
  }

  /** One thread per lane: the real replica's. */
  Factory THREADS = GroupedExecutor::new;
}
