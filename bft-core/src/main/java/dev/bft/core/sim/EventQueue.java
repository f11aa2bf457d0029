package dev.bft.core.sim;

import java.util.PriorityQueue;

/** Events ordered by virtual time, ties broken by insertion order so a run is a pure function of its seed. */
final class EventQueue {
  private record Scheduled(long time, long order, Runnable action) {}

  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) ->
      a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
  private long now;
  private long order;

  long now() {
    return now;
  }

  void at(long time, Runnable action) {
    queue.add(new Scheduled(Math.max(time, now), order++, action));
  }

  /** Runs the next event; false when there is none. */
  boolean step() {
    Scheduled next = queue.poll();
    if (next == null) {
      return false;
    }
    now = next.time;
    next.action.run();
    return true;
  }

  int size() {
    return queue.size();
  }
}
