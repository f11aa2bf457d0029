package dev.bft.core.runtime;

import dev.bft.core.protocol.TimerId;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The replica's timers, for the real replica and the simulated one alike (the shell in a process,
 * the shell in the simulator, and the simulator's own effects): one tick is one millisecond of the
 * {@link ShellClock}; a firing is posted to the protocol lane, never run on the clock's thread, and
 * a firing that was overtaken by a cancel or a re-arm is ignored there.
 */
public final class ProtocolTimers {
  private final ShellClock clock;
  private final Executor protocolLane;
  private final Consumer<TimerId> fire;
  private final Map<TimerId, ShellClock.Cancellable> armed = new EnumMap<>(TimerId.class);
  private final Map<TimerId, Long> generation = new EnumMap<>(TimerId.class);

  /**
   * @param protocolLane where a firing runs: the lane that owns the replica (a simulated one may
   *     hold it back while its process is paused, as a stopped thread would)
   * @param fire hands the timer to the replica, on that lane
   */
  public ProtocolTimers(ShellClock clock, Executor protocolLane, Consumer<TimerId> fire) {
    this.clock = clock;
    this.protocolLane = protocolLane;
    this.fire = fire;
  }

  /** Called on the protocol lane only. */
  public void set(TimerId timer, long ticks) {
    cancel(timer);
    long g = generation.merge(timer, 1L, Long::sum);
    armed.put(timer, clock.after(ticks, () -> protocolLane.execute(() -> {
      if (generation.get(timer) == g) {
        armed.remove(timer);
        fire.accept(timer);
      }
    })));
  }

  public void cancel(TimerId timer) {
    generation.merge(timer, 1L, Long::sum);
    ShellClock.Cancellable c = armed.remove(timer);
    if (c != null) {
      c.cancel();
    }
  }

  /**
   * Ends every timer, also a firing already posted to the lane: the replica they were armed for is
   * gone (its process crashed, or the next epoch's replica replaced it).
   */
  public void cancelAll() {
    for (TimerId timer : TimerId.values()) {
      cancel(timer);
    }
  }
}
