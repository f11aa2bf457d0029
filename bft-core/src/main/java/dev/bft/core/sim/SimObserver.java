package dev.bft.core.sim;

import dev.bft.core.protocol.LogRecord;

/** Watches a simulation from outside (tests, fault triggers, measurements); it must not change the run's randomness. */
public interface SimObserver {
  default void persisted(int replica, LogRecord record, long now) {}

  default void executed(int replica, long sequence, long view, long now) {}

  default void checkpointTaken(int replica, long sequence, long now) {}
}
