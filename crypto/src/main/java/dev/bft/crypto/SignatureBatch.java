package dev.bft.crypto;

import java.util.BitSet;
import java.util.List;

/**
 * Checks many Ed25519 signatures together by one randomised equation, a few times cheaper per
 * signature than one at a time when the batch is large, and accepting exactly what
 * {@link Ed25519PublicKey#verify} accepts (see {@link CofactoredVerification} for the rule and why).
 */
public final class SignatureBatch {
  /** Below this many signatures the batch equation's fixed cost outweighs its saving. */
  static final int MIN_BATCH = 3;

  private SignatureBatch() {}

  /** True when every item verifies; for a frame that is rejected whole if any signature is bad. */
  public static boolean allValid(List<SignedItem> items) {
    return allValid(items, new VerificationTally());
  }

  /** As {@link #allValid(List)}, counting the work in {@code tally}. */
  public static boolean allValid(List<SignedItem> items, VerificationTally tally) {
    if (items.size() < MIN_BATCH) {
      tally.alone(items.size());
      for (SignedItem item : items) {
        if (!item.verify()) {
          return false;
        }
      }
      return true;
    }
    tally.equation(items.size());
    byte[][] rX = new byte[items.size()][];
    boolean valid = CofactoredVerification.verifyAll(items, rX);
    if (valid) {
      countHints(items, rX, tally);
    }
    return valid;
  }

  /**
   * Bit i set when item i verifies. A failing batch is checked again one signature at a time: a
   * flood of bad signatures then costs at most one batch equation more than checking them singly
   * (halving the batch would find one bad item in fewer steps, but lets a flooder whose every
   * signature is bad make each of them cost several checks).
   */
  public static BitSet validity(List<SignedItem> items) {
    return validity(items, new VerificationTally());
  }

  /** As {@link #validity(List)}, counting the work in {@code tally}. */
  public static BitSet validity(List<SignedItem> items, VerificationTally tally) {
    return validity(items, tally, null);
  }

  /**
   * As {@link #validity(List, VerificationTally)}; when the batch equation settled it, {@code rX[i]}
   * (if {@code rX} is given) is the x coordinate of item i's R, the {@link SignedItem#rX} hint for
   * whoever verifies the same signature next; otherwise it is left null.
   */
  public static BitSet validity(List<SignedItem> items, VerificationTally tally, byte[][] rX) {
    BitSet valid = new BitSet(items.size());
    if (items.size() >= MIN_BATCH) {
      tally.equation(items.size());
      byte[][] found = rX != null ? rX : new byte[items.size()][];
      if (CofactoredVerification.verifyAll(items, found)) {
        countHints(items, found, tally);
        valid.set(0, items.size());
        return valid;
      }
      java.util.Arrays.fill(found, null);
    }
    tally.alone(items.size());
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).verify()) {
        valid.set(i);
      }
    }
    return valid;
  }

  /** The check hands back an item's own hint exactly when it used it. */
  private static void countHints(List<SignedItem> items, byte[][] rX, VerificationTally tally) {
    int used = 0;
    for (int i = 0; i < rX.length; i++) {
      if (rX[i] != null && rX[i] == items.get(i).rX()) {
        used++;
      }
    }
    tally.hinted(used);
  }
}
