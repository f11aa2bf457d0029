package dev.bft.core.runtime;

/**
 * The shell's time: the clock its events are stamped with and the timers it arms. The one source
 * of time for the {@link ProtocolTimers}, the stage metrics and a Byzantine behaviour's delays,
 * so that a simulation drives them all from its virtual clock ({@link SystemShellClock} is the real one).
 */
public interface ShellClock {
  /** Wall-clock milliseconds, as the protocol stamps requests. */
  long millis();

  /** A monotonic clock in nanoseconds, for the stage metrics. */
  long nanos();

  /**
   * Runs {@code task} after {@code millis}, on whatever thread the clock uses: a task that touches
   * the replica posts itself to the protocol lane.
   */
  Cancellable after(long millis, Runnable task);

  /** An armed timer. Cancelling one that already ran does nothing. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
