package dev.bft.core.runtime;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real clock: the system's time and a scheduler thread for timers. An offset, for fault
 * injection only ({@code bft replica --clock-offset-ms}), moves the wall clock the protocol stamps
 * and checks batch timestamps with, as a replica whose clock is wrong would; timers and stage
 * metrics keep running on true elapsed time, as they do on such a machine.
 */
final class SystemShellClock implements ShellClock {
  private final ScheduledExecutorService scheduler;
  private final long offsetMillis;

  SystemShellClock(ScheduledExecutorService scheduler, long offsetMillis) {
    this.scheduler = scheduler;
    this.offsetMillis = offsetMillis;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis;
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
