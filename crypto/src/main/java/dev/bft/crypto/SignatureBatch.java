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
    if (items.size() < MIN_BATCH) {
      for (SignedItem item : items) {
        if (!item.verify()) {
          return false;
        }
      }
      return true;
    }
    return CofactoredVerification.verifyAll(items);
  }

  /**
   * Bit i set when item i verifies. A failing batch is halved until the bad signatures are found,
   * so one bad item among n costs about 2·log₂(n) smaller batches, not n single checks.
   */
  public static BitSet validity(List<SignedItem> items) {
    BitSet valid = new BitSet(items.size());
    mark(items, 0, items.size(), valid);
    return valid;
  }

  private static void mark(List<SignedItem> items, int from, int to, BitSet valid) {
    if (to - from < MIN_BATCH) {
      for (int i = from; i < to; i++) {
        if (items.get(i).verify()) {
          valid.set(i);
        }
      }
      return;
    }
    if (CofactoredVerification.verifyAll(items.subList(from, to))) {
      valid.set(from, to);
      return;
    }
    int mid = (from + to) >>> 1;
    mark(items, from, mid, valid);
    mark(items, mid, to, valid);
  }
}
