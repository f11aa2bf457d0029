package dev.bft.core.runtime;

import dev.bft.core.protocol.TimerId;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The replica's timers, for the real replica and the simulated one alike: one tick is one
 * millisecond of the {@link ShellClock}; a firing is posted to the protocol lane, never run on the
 * clock's thread, and a firing that was overtaken by a cancel or a re-arm is ignored there.
 */
final class ProtocolTimers {
  private final ShellClock clock;
  private final Executor protocolLane;
  private final Consumer<TimerId> fire;
  private final Map<TimerId, ShellClock.Cancellable> armed = new EnumMap<>(TimerId.class);
  private final Map<TimerId, Long> generation = new EnumMap<>(TimerId.class);

  ProtocolTimers(ShellClock clock, Executor protocolLane, Consumer<TimerId> fire) {
    this.clock = clock;
    this.protocolLane = protocolLane;
    this.fire = fire;
  }

  /** Called on the protocol lane only. */
  void set(TimerId timer, long ticks) {
    cancel(timer);
    long g = generation.merge(timer, 1L, Long::sum);
    armed.put(timer, clock.after(ticks, () -> protocolLane.execute(() -> {
      if (generation.get(timer) == g) {
        armed.remove(timer);
        fire.accept(timer);
      }
    })));
  }

  void cancel(TimerId timer) {
    generation.merge(timer, 1L, Long::sum);
    ShellClock.Cancellable c = armed.remove(timer);
    if (c != null) {
      c.cancel();
    }
  }
}
