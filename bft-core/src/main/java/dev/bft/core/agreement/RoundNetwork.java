package dev.bft.core.agreement;

/** Decides whether one message reaches its receiver; a lost message counts as the default value. */
public interface RoundNetwork {
  boolean delivers(int round, AgreementMessage message);

  RoundNetwork RELIABLE = (round, message) -> true;

  /** Loses each message with probability {@code lossRate}, from a seeded generator. */
  static RoundNetwork lossy(long seed, double lossRate) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    return (round, message) -> random.nextDouble() >= lossRate;
  }
}
