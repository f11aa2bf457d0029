package dev.bft.core.config;

import dev.bft.crypto.Digest;

/**
 * Where an epoch begins: the epoch checkpoint of the one before, at {@code sequence}, whose state
 * has digest {@code state} (docs/reconfiguration.md). Inside the epoch it is the stable checkpoint
 * that needs no proof, as sequence 0 needs none in epoch 0: the old group's 2f + 1 signatures
 * proved it, in an epoch whose signatures this one no longer checks.
 */
public record EpochStart(long sequence, Digest state) {
  public static final EpochStart FIRST = new EpochStart(0, Digest.ZERO);

  public EpochStart {
    if (sequence < 0) {
      throw new IllegalArgumentException("an epoch cannot start at sequence " + sequence);
    }
  }
}
