package dev.bft.core.sim;

/**
 * How hostile the simulated network is. Delays are drawn uniformly from [minDelay, maxDelay] ticks,
 * which reorders messages whenever the range is wider than the gap between sends.
 */
public record NetworkFaults(double dropRate, double duplicateRate, long minDelay, long maxDelay) {
  public NetworkFaults {
    if (dropRate < 0 || dropRate >= 1 || duplicateRate < 0 || duplicateRate >= 1) {
      throw new IllegalArgumentException("rates must be in [0, 1)");
    }
    if (minDelay < 0 || maxDelay < minDelay) {
      throw new IllegalArgumentException("delays must satisfy 0 <= min <= max");
    }
  }

  public static NetworkFaults reliable() {
    return new NetworkFaults(0, 0, 1, 1);
  }

  /** Loss, duplication and reordering at rates that stress retransmission without stopping progress. */
  public static NetworkFaults hostile() {
    return new NetworkFaults(0.02, 0.02, 1, 20);
  }
}
