package dev.bft.core.sim;

import java.util.SplittableRandom;

/** What simulated clients ask for, and a place to record what they observed. */
public interface Workload {
  /** An operation for a client to invoke next, drawn from the run's seeded randomness. */
  Operation next(int clientId, SplittableRandom random);

  default void invoked(int clientId, long requestNumber, Operation op, long time) {}

  default void completed(int clientId, long requestNumber, byte[] result, long time) {}

  record Operation(byte[] bytes, boolean readOnly) {}
}
