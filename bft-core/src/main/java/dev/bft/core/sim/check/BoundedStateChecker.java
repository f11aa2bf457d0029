package dev.bft.core.sim.check;

import dev.bft.core.sim.InvariantViolation;

/** Bounded state: a replica's log never holds more than the watermark window, its request queue no more than one per client. */
public final class BoundedStateChecker {
  public void check(int replica, int logSize, int window, int pendingRequests, int clients) {
    if (logSize > window) {
      throw new InvariantViolation("bounded state", "replica " + replica + " holds " + logSize
          + " log slots, more than its window of " + window);
    }
    if (pendingRequests > clients) {
      throw new InvariantViolation("bounded state", "replica " + replica + " queues " + pendingRequests
          + " requests for " + clients + " clients");
    }
  }
}
