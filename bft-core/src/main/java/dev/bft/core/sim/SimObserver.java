package dev.bft.core.sim;

import dev.bft.core.protocol.LogRecord;

/** Watches a simulation from outside (tests, fault triggers, measurements); it must not change the run's randomness. */
public interface SimObserver {
  default void persisted(int replica, LogRecord record, long now) {}

  default void executed(int replica, long sequence, long view, long now) {}

  /** As {@link #executed}, with the batch itself (its requests and the primary's timestamp the service saw). */
  default void executedBatch(int replica, long sequence, dev.bft.core.message.Batch batch, long now) {}

  default void checkpointTaken(int replica, long sequence, long now) {}

  /**
   * A correct replica executed one ordered operation on {@code service} (its own, not a copy),
   * which returned {@code result}. An observer may read the service, never change it.
   */
  default void operationExecuted(int replica, byte[] operation, byte[] result,
                                 dev.bft.core.service.ReplicatedService service, long now) {}

  /** A replica's service state jumped to checkpoint {@code sequence}: fetched from peers, or recovered from storage. */
  default void stateInstalled(int replica, long sequence, long now) {}
}
