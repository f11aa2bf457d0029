package dev.bft.core.sim;

import dev.bft.core.runtime.ShellClock;
import java.util.function.BooleanSupplier;

/**
 * Virtual time as the shell's clock: one tick is one millisecond, and a timer is an event in the
 * simulation's queue, so the production {@link dev.bft.core.runtime.ProtocolTimers} run on it
 * deterministically. An event whose owner is gone (a dead shell incarnation) does nothing.
 */
final class SimClock implements ShellClock {
  private final Simulation sim;
  private final BooleanSupplier alive;

  SimClock(Simulation sim, BooleanSupplier alive) {
    this.sim = sim;
    this.alive = alive;
  }

  @Override
  public long millis() {
    return sim.now();
  }

  @Override
  public long nanos() {
    return sim.now() * 1_000_000L;
  }

  @Override
  public Cancellable after(long millis, Runnable task) {
    boolean[] cancelled = new boolean[1];
    sim.queue().at(sim.now() + millis, () -> {
      if (alive.getAsBoolean() && !cancelled[0]) {
        task.run();
      }
    });
    return () -> cancelled[0] = true;
  }
}
