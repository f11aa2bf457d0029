package dev.bft.crypto;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many signatures one verifier checked, and how: by batch equations (and how many equations)
 * or one at a time. The mean batch is what batch verification saves, and the first number to look
 * at when a replica's verification threads are busy; safe to update from many threads.
 */
public final class VerificationTally {
  private final LongAdder equations = new LongAdder();
  private final LongAdder batched = new LongAdder();
  private final LongAdder alone = new LongAdder();
  private final LongAdder hinted = new LongAdder();

  void equation(int signatures) {
    equations.increment();
    batched.add(signatures);
  }

  /** A signature checked by itself (below the batch threshold, a failed batch's re-check, or not batchable). */
  public void alone(int signatures) {
    alone.add(signatures);
  }

  /** Signatures in equations whose R came with a right x hint (SignedItem#rX): no square root taken. */
  void hinted(int signatures) {
    hinted.add(signatures);
  }

  public long hinted() {
    return hinted.sum();
  }

  public long equations() {
    return equations.sum();
  }

  /** Signatures checked inside batch equations. */
  public long batched() {
    return batched.sum();
  }

  public long alone() {
    return alone.sum();
  }
}
