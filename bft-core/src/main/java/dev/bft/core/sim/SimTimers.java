package dev.bft.core.sim;

import dev.bft.core.protocol.TimerId;
import java.util.EnumMap;

/**
 * A node's protocol timers on the virtual clock (the simulator's own effects). Each setting has a
 * generation, so a cancelled or re-armed timer, or one of an incarnation that crashed or of a core
 * an epoch replaced, never fires; one that comes due while the node is paused fires when it resumes.
 */
final class SimTimers {
  private final SimReplica node;
  private final Simulation sim;
  private final long[] generation = new long[TimerId.values().length];
  private final EnumMap<TimerId, Long> dueWhilePaused = new EnumMap<>(TimerId.class);

  SimTimers(SimReplica node, Simulation sim) {
    this.node = node;
    this.sim = sim;
  }

  void set(TimerId timer, long ticks) {
    long armed = ++generation[timer.ordinal()];
    sim.queue().at(sim.now() + ticks, () -> fire(timer, armed));
  }

  void cancel(TimerId timer) {
    generation[timer.ordinal()]++;
  }

  /** Ends every timer of the current incarnation. */
  void cancelAll() {
    for (int i = 0; i < generation.length; i++) {
      generation[i]++;
    }
    dueWhilePaused.clear();
  }

  /** Back from a pause: what came due meanwhile fires now. */
  void resumed() {
    dueWhilePaused.forEach((timer, armed) -> sim.queue().at(sim.now(), () -> fire(timer, armed)));
    dueWhilePaused.clear();
  }

  private void fire(TimerId timer, long armed) {
    if (generation[timer.ordinal()] != armed) {
      return;
    }
    if (!node.up) {
      dueWhilePaused.put(timer, armed); // a paused process's clock runs on
      return;
    }
    sim.trace("t", node.id, timer);
    node.replica.onTimer(timer);
    node.afterEvent();
  }
}
