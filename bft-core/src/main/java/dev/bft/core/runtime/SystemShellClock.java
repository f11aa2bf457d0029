package dev.bft.core.runtime;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The real clock: the system's time and a scheduler thread for timers. */
final class SystemShellClock implements ShellClock {
  private final ScheduledExecutorService scheduler;

  SystemShellClock(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }

  @Override
  public long nanos() {
    return System.nanoTime();
  }

  @Override
  public Cancellable after(long millis, Runnable task) {
    ScheduledFuture<?> f = scheduler.schedule(task, millis, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }
}
