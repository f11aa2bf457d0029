package dev.bft.core.runtime;

import dev.bft.core.protocol.TimerId;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The replica's timers: one tick is one millisecond; a firing is posted to the protocol thread, never run on the timer thread. */
final class ProtocolTimers {
  private final ScheduledExecutorService scheduler;
  private final Executor protocolThread;
  private final Consumer<TimerId> fire;
  private final Map<TimerId, ScheduledFuture<?>> armed = new EnumMap<>(TimerId.class);
  private final Map<TimerId, Long> generation = new EnumMap<>(TimerId.class);

  ProtocolTimers(ScheduledExecutorService scheduler, Executor protocolThread, Consumer<TimerId> fire) {
    this.scheduler = scheduler;
    this.protocolThread = protocolThread;
    this.fire = fire;
  }

  /** Called on the protocol thread only. */
  void set(TimerId timer, long ticks) {
    cancel(timer);
    long g = generation.merge(timer, 1L, Long::sum);
    armed.put(timer, scheduler.schedule(() -> protocolThread.execute(() -> {
      if (generation.get(timer) == g) {
        armed.remove(timer);
        fire.accept(timer);
      }
    }), ticks, TimeUnit.MILLISECONDS));
  }

  void cancel(TimerId timer) {
    generation.merge(timer, 1L, Long::sum);
    ScheduledFuture<?> f = armed.remove(timer);
    if (f != null) {
      f.cancel(false);
    }
  }
}
