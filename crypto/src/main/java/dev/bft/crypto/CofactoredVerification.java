package dev.bft.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * The one Ed25519 acceptance rule every replica applies, alone or in a batch:
 * the signature is 64 bytes, R is a canonical encoding of a curve point, s &lt; L, and
 * [8]([s]B - R - [k]A) = 0 with k = SHA-512(dom2(context) ‖ R ‖ A ‖ M) mod L (RFC 8032 Ed25519ctx,
 * cofactored equation).
 *
 * <p>Why cofactored: a batch check of many signatures is only sound with the cofactor, and a
 * replica that batch-verifies must accept exactly what a replica verifying one at a time accepts,
 * or a client could craft a signature (R with a small-order component) that splits honest replicas
 * over the validity of one PRE-PREPARE. The single check ({@link Ed25519PublicKey#verify},
 * BouncyCastle's) is cofactored too; {@link #verifyOne} is this class's exact form of it, which the
 * tests hold BouncyCastle to.
 *
 * <p>A batch is checked as [8]([Σ zᵢsᵢ]B - Σ [zᵢ]Rᵢ - Σⱼ [Σ_{i: Aᵢ = Aⱼ} zᵢkᵢ]Aⱼ) = 0 with fresh
 * random 128-bit zᵢ: it holds for valid signatures and, when any one is invalid, fails except with
 * probability about 2⁻¹²⁸. Terms of one key are merged, so a batch from few clients pays for few
 * full-length scalar multiplications.
 */
final class CofactoredVerification {
  static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final byte[] DOM2_PREFIX = "SigEd25519 no Ed25519 collisions".getBytes(StandardCharsets.US_ASCII);
  private static final int R_WINDOW = 5;
  static final int KEY_WINDOW = 7;
  private static final int BASE_WINDOW = 8;
  private static final EdwardsPoint.Cached[] BASE_TABLE;

  static {
    byte[] base = new byte[32];
    base[0] = 0x58;
    for (int i = 1; i < 32; i++) {
      base[i] = 0x66;
    }
    BASE_TABLE = EdwardsPoint.oddMultiples(EdwardsPoint.decode(base, 0), 1 << (BASE_WINDOW - 2));
  }

  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private CofactoredVerification() {}

  /** The table of odd multiples of -A that a key keeps so its terms need no per-batch precomputation. */
  static EdwardsPoint.Cached[] negatedKeyTable(EdwardsPoint a) {
    return EdwardsPoint.oddMultiples(a.negate(), 1 << (KEY_WINDOW - 2));
  }

  /** The cheap encoding checks of the rule: length, canonical y of R, no "negative zero" R, s &lt; L. */
  static boolean wellFormed(byte[] signature) {
    return signature != null && signature.length == 64 && EdwardsPoint.isCanonicalY(signature, 0)
        && !negativeZero(signature) && scalar(signature, 32).compareTo(L) < 0;
  }

  /** The exact single-signature check of the rule (no randomness): the reference the tests compare against. */
  static boolean verifyOne(SignedItem item) {
    return check(List.of(item), null);
  }

  /** True only if every item satisfies the rule (up to the 2⁻¹²⁸ chance above). */
  static boolean verifyAll(List<SignedItem> items) {
    return check(items, RANDOM.get(), null);
  }

  /** As {@link #verifyAll(List)}; {@code rX[i]} receives the x coordinate of item i's R (see {@link SignedItem#rX}). */
  static boolean verifyAll(List<SignedItem> items, byte[][] rX) {
    return check(items, RANDOM.get(), rX);
  }

  static boolean check(List<SignedItem> items, Random random) {
    return check(items, random, null);
  }

  /**
   * {@code random == null}: one item with z = 1, an exact check. An item's R is decompressed with its
   * x coordinate hint when the hint holds (no square root), else in full.
   */
  static boolean check(List<SignedItem> items, Random random, byte[][] rX) {
    int n = items.size();
    if (n == 0) {
      return true;
    }
    List<EdwardsPoint.Cached[]> tables = new ArrayList<>(n + 16);
    List<byte[]> digits = new ArrayList<>(n + 16);
    Map<Ed25519PublicKey, BigInteger> keyScalars = new IdentityHashMap<>();
    BigInteger baseScalar = BigInteger.ZERO;
    byte[] zBytes = new byte[16];
    for (int index = 0; index < n; index++) {
      SignedItem item = items.get(index);
      byte[] sig = item.signature();
      Ed25519PublicKey key = item.signer();
      if (key == null || !wellFormed(sig)
          || item.offset() < 0 || item.length() < 0 || item.offset() > item.message().length - item.length()) {
        return false;
      }
      EdwardsPoint r = EdwardsPoint.decodeWithX(sig, 0, item.rX());
      boolean hinted = r != null;
      if (r == null) {
        r = EdwardsPoint.decode(sig, 0);
      }
      if (r == null) {
        return false;
      }
      if (rX != null) {
        rX[index] = hinted ? item.rX() : r.affineX();
      }
      BigInteger z;
      if (random == null) {
        z = BigInteger.ONE;
      } else {
        do {
          random.nextBytes(zBytes);
          z = new BigInteger(1, zBytes);
        } while (z.signum() == 0);
      }
      BigInteger k = challenge(item.domain().context(), sig, key.encodedUnsafe(), item.message(), item.offset(), item.length());
      baseScalar = baseScalar.add(z.multiply(scalar(sig, 32)));
      keyScalars.merge(key, z.multiply(k), BigInteger::add);
      tables.add(EdwardsPoint.oddMultiples(r.negate(), 1 << (R_WINDOW - 2)));
      digits.add(nonAdjacentForm(z, R_WINDOW));
    }
    for (Map.Entry<Ed25519PublicKey, BigInteger> e : keyScalars.entrySet()) {
      tables.add(e.getKey().negatedTable());
      digits.add(nonAdjacentForm(e.getValue().mod(L), KEY_WINDOW));
    }
    tables.add(BASE_TABLE);
    digits.add(nonAdjacentForm(baseScalar.mod(L), BASE_WINDOW));
    EdwardsPoint sum = multiScalarMultiply(tables, digits);
    for (int i = 0; i < 3; i++) {
      sum.doubleInPlace();
    }
    return sum.isIdentity();
  }

  /** Σ dᵢ·Pᵢ by interleaved windowed non-adjacent forms (Straus): one shared chain of doublings. */
  private static EdwardsPoint multiScalarMultiply(List<EdwardsPoint.Cached[]> tables, List<byte[]> digits) {
    int top = -1;
    for (byte[] d : digits) {
      for (int i = d.length - 1; i > top; i--) {
        if (d[i] != 0) {
          top = i;
          break;
        }
      }
    }
    EdwardsPoint acc = EdwardsPoint.identity();
    int terms = tables.size();
    for (int pos = top; pos >= 0; pos--) {
      acc.doubleInPlace();
      for (int j = 0; j < terms; j++) {
        int d = digits.get(j)[pos];
        if (d > 0) {
          acc.add(tables.get(j)[d >> 1], false);
        } else if (d < 0) {
          acc.add(tables.get(j)[(-d) >> 1], true);
        }
      }
    }
    return acc;
  }

  /**
   * The width-w non-adjacent form of 0 ≤ k &lt; 2²⁵⁵: 256 signed digits, each zero or odd with
   * |d| &lt; 2^(w-1), at least w - 1 zeros after each non-zero digit.
   */
  static byte[] nonAdjacentForm(BigInteger k, int w) {
    long[] words = new long[5];
    byte[] le = EdwardsPoint.reverse(k.toByteArray());
    for (int i = 0; i < le.length && i < 32; i++) {
      words[i >>> 3] |= (le[i] & 0xFFL) << ((i & 7) * 8);
    }
    byte[] naf = new byte[256];
    long width = 1L << w;
    long mask = width - 1;
    int carry = 0;
    int pos = 0;
    while (pos < 256) {
      int word = pos >>> 6;
      int bit = pos & 63;
      long bits = bit == 0 ? words[word] : (words[word] >>> bit) | (words[word + 1] << (64 - bit));
      long window = carry + (bits & mask);
      if ((window & 1) == 0) {
        pos++;
        continue;
      }
      if (window < width / 2) {
        carry = 0;
        naf[pos] = (byte) window;
      } else {
        carry = 1;
        naf[pos] = (byte) (window - width);
      }
      pos += w;
    }
    return naf;
  }

  static BigInteger challenge(byte[] context, byte[] sig, byte[] key, byte[] message, int off, int len) {
    SHA512Digest h = new SHA512Digest();
    h.update(DOM2_PREFIX, 0, DOM2_PREFIX.length);
    h.update((byte) 0);
    h.update((byte) context.length);
    h.update(context, 0, context.length);
    h.update(sig, 0, 32);
    h.update(key, 0, 32);
    h.update(message, off, len);
    byte[] digest = new byte[64];
    h.doFinal(digest, 0);
    return new BigInteger(1, EdwardsPoint.reverse(digest)).mod(L);
  }

  private static BigInteger scalar(byte[] b, int off) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = b[off + 31 - i];
    }
    return new BigInteger(1, be);
  }

  /** y = ±1 means x = 0, whose encoding must not carry the sign bit. */
  private static boolean negativeZero(byte[] r) {
    if ((r[31] & 0x80) == 0) {
      return false;
    }
    boolean one = (r[0] & 0xFF) == 1;
    boolean minusOne = (r[0] & 0xFF) == 0xEC;
    for (int i = 1; i < 31; i++) {
      one &= r[i] == 0;
      minusOne &= r[i] == (byte) 0xFF;
    }
    one &= (r[31] & 0x7F) == 0;
    minusOne &= (r[31] & 0x7F) == 0x7F;
    return one || minusOne;
  }
}
