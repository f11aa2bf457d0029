package dev.bft.core.runtime;

import java.util.function.LongSupplier;

/** One token bucket per peer: {@code perSecond} tokens a second, at most {@code burst} saved up. */
final class TokenBuckets {
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private final double[] tokens;
  private final long[] updated;

  TokenBuckets(int peers, double perSecond, double burst, LongSupplier nanoClock) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = new double[peers];
    this.updated = new long[peers];
    long now = nanoClock.getAsLong();
    for (int i = 0; i < peers; i++) {
      tokens[i] = burst;
      updated[i] = now;
    }
  }

  /** Takes a token of {@code peer}'s bucket; false when it is empty. */
  boolean take(int peer) {
    return take(peer, 1);
  }

  /** Takes {@code cost} tokens of {@code peer}'s bucket; false (and none taken) when it holds fewer. */
  synchronized boolean take(int peer, double cost) {
    long now = nanoClock.getAsLong();
    tokens[peer] = Math.min(burst, tokens[peer] + (now - updated[peer]) * perNano);
    updated[peer] = now;
    if (tokens[peer] < cost) {
      return false;
    }
    tokens[peer] -= cost;
    return true;
  }

  /** Gives back {@code unused} tokens taken in advance (the work cost less than its bound). */
  synchronized void refund(int peer, double unused) {
    tokens[peer] = Math.min(burst, tokens[peer] + unused);
  }
}
