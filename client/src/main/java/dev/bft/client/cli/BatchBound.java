package dev.bft.client.cli;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.SignatureBatch;
import dev.bft.crypto.SignatureDomain;
import dev.bft.crypto.SignedItem;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The second crypto bound of {@code bft bench}. The first counts one single-signature check per
 * request and replica, which batch verification beats; this one counts what a request cannot do
 * without: one client signature (the load signs it) and, on each of the n replicas, one check inside
 * an equation of the size the run saw, at this machine's rates measured in the same run.
 */
final class BatchBound {
  /** Equation sizes measured; a size between two is interpolated on a log scale, beyond them clamped. */
  static final int[] SIZES = {4, 8, 16, 32, 64, 128};

  private final double signSeconds;
  private final double[] perSignatureSeconds;

  BatchBound(double signSeconds, double[] perSignatureSeconds) {
    if (perSignatureSeconds.length != SIZES.length) {
      throw new IllegalArgumentException("one rate per size of " + SIZES.length);
    }
    this.signSeconds = signSeconds;
    this.perSignatureSeconds = perSignatureSeconds.clone();
  }

  /** Times signing and equations of each size on this thread, after a warm-up, about 7 s in all. */
  static BatchBound measure() {
    SecureRandom random = new SecureRandom();
    SignatureDomain domain = SignatureDomain.of(1);
    byte[] message = new byte[64];
    List<SignedItem> items = new ArrayList<>();
    Ed25519KeyPair signer = null;
    for (int i = 0; i < SIZES[SIZES.length - 1]; i++) {
      Ed25519KeyPair key = Ed25519KeyPair.generate(random);
      random.nextBytes(message);
      items.add(new SignedItem(key.publicKey(), domain, message.clone(), key.sign(domain, message)));
      signer = key;
    }
    Ed25519KeyPair k = signer;
    byte[] m = message;
    double sign = secondsPer(() -> k.sign(domain, m), 1, 1_000_000_000L);
    double[] batch = new double[SIZES.length];
    for (int i = 0; i < SIZES.length; i++) {
      List<SignedItem> equation = items.subList(0, SIZES[i]);
      if (!SignatureBatch.allValid(equation)) {
        throw new IllegalStateException("a batch of valid signatures did not verify: the crypto is broken");
      }
      batch[i] = secondsPer(() -> SignatureBatch.allValid(equation), SIZES[i], 800_000_000L);
    }
    return new BatchBound(sign, batch);
  }

  /** Seconds per unit of {@code work} (which does {@code units} at once): a fifth of the time warms up. */
  private static double secondsPer(Runnable work, int units, long nanos) {
    long end = System.nanoTime() + nanos / 5;
    while (System.nanoTime() < end) {
      work.run();
    }
    long count = 0;
    long start = System.nanoTime();
    end = start + nanos;
    long now;
    do {
      work.run();
      count += units;
      now = System.nanoTime();
    } while (now < end);
    return (now - start) / 1e9 / count;
  }

  /** CPU seconds of one check inside an equation of {@code size} signatures. */
  double perSignature(double size) {
    if (size <= SIZES[0]) {
      return perSignatureSeconds[0];
    }
    for (int i = 1; i < SIZES.length; i++) {
      if (size <= SIZES[i]) {
        double t = (Math.log(size) - Math.log(SIZES[i - 1])) / (Math.log(SIZES[i]) - Math.log(SIZES[i - 1]));
        return perSignatureSeconds[i - 1] + t * (perSignatureSeconds[i] - perSignatureSeconds[i - 1]);
      }
    }
    return perSignatureSeconds[SIZES.length - 1];
  }

  /** Operations per second the machine's cores allow a cluster of {@code n} replicas at that equation size. */
  double opsPerSecond(int cores, int n, double equationSize) {
    return cores / (signSeconds + n * perSignature(equationSize));
  }

  String describe(int cores, int n) {
    return String.format(Locale.ROOT, "Ed25519 sign %.0f/s per core; in equations of 16: %.0f/s, of 64: %.0f/s per core "
        + "-> batch bound for %d replicas %.0f ops/s at equations of 16, %.0f at 64", 1 / signSeconds,
        1 / perSignature(16), 1 / perSignature(64), n, opsPerSecond(cores, n, 16), opsPerSecond(cores, n, 64));
  }
}
