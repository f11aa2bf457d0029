package dev.bft.core.sim;

import dev.bft.core.runtime.Lane;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The shell's lanes in the simulation: a lane's tasks queue up and are drained, a group at a
 * time, by one event of the event queue at the current instant, then {@code afterGroup} runs, as
 * a lane's thread does in a process. So what a group of events decides reaches the commit stage
 * in one hand-off and one commit, deterministically. A crashed replica's lanes drop what they hold.
 */
final class SimLanes implements Lane.Factory {
  private final EventQueue queue;
  private final BooleanSupplier alive;

  SimLanes(EventQueue queue, BooleanSupplier alive) {
    this.queue = queue;
    this.alive = alive;
  }

  @Override
  public Lane create(String name, int maxGroup, Runnable afterGroup, BiConsumer<String, Throwable> failed) {
    return new SimLane(name, maxGroup, afterGroup, failed);
  }

  private final class SimLane implements Lane {
    private final String name;
    private final int maxGroup;
    private final Runnable afterGroup;
    private final BiConsumer<String, Throwable> failed;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean drainScheduled;
    private boolean draining;
    private boolean stopped;

    SimLane(String name, int maxGroup, Runnable afterGroup, BiConsumer<String, Throwable> failed) {
      this.name = name;
      this.maxGroup = maxGroup;
      this.afterGroup = afterGroup;
      this.failed = failed;
    }

    @Override
    public void execute(Runnable task) {
      if (stopped || !alive.getAsBoolean()) {
        return;
      }
      tasks.add(task);
      if (!drainScheduled) {
        drainScheduled = true;
        queue.at(queue.now(), this::drain);
      }
    }

    private void drain() {
      drainScheduled = false;
      if (stopped || !alive.getAsBoolean()) {
        tasks.clear();
        return;
      }
      Throwable failure = null;
      draining = true;
      try {
        for (int i = 0; i < maxGroup && !tasks.isEmpty() && !stopped && alive.getAsBoolean(); i++) {
          tasks.poll().run();
        }
        if (!stopped && alive.getAsBoolean()) {
          afterGroup.run();
        }
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        draining = false;
      }
      if (failure != null) {
        stopped = true;
        failed.accept(name, failure);
        return;
      }
      if (!tasks.isEmpty() && !drainScheduled) {
        drainScheduled = true;
        queue.at(queue.now(), this::drain);
      }
    }

    @Override
    public boolean onThisLane() {
      return draining;
    }

    @Override
    public void start() {}

    @Override
    public void stop(long waitMillis) {
      stopped = true;
      tasks.clear();
    }
  }
}
