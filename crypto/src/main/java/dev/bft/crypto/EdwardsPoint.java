package dev.bft.crypto;

import java.math.BigInteger;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A point of the twisted Edwards curve -x² + y² = 1 + d·x²·y² over GF(2²⁵⁵ - 19), in extended
 * coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z, x·y = T/Z. Field elements are BouncyCastle's
 * ten-limb representation; only the field is borrowed, the group law and the encodings are ours
 * because batch verification needs operations BouncyCastle keeps private.
 *
 * <p>Limb bounds: {@code X25519Field.mul} tolerates operands that are the sum or difference of two
 * reduced elements; anything built from more terms is {@code carry}-ed before it is multiplied.
 */
final class EdwardsPoint {
  static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger D_VALUE =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final int[] D = element(D_VALUE);
  private static final int[] D2 = element(D_VALUE.shiftLeft(1).mod(P));

  final int[] x = X25519Field.create();
  final int[] y = X25519Field.create();
  final int[] z = X25519Field.create();
  final int[] t = X25519Field.create();
  /** Temporaries of add and double, allocated once per point that accumulates (most points never do). */
  private int[][] scratch;

  /** The neutral element (0 : 1 : 1 : 0). */
  static EdwardsPoint identity() {
    EdwardsPoint p = new EdwardsPoint();
    X25519Field.one(p.y);
    X25519Field.one(p.z);
    return p;
  }

  /**
   * Decodes 32 bytes (RFC 8032 §5.1.3) strictly: the y coordinate must be canonical (below p),
   * x must exist, and "negative zero" (x = 0 with the sign bit set) is refused. Null if not a point.
   */
  static EdwardsPoint decode(byte[] bytes, int off) {
    if (!isCanonicalY(bytes, off)) {
      return null;
    }
    int sign = (bytes[off + 31] & 0x80) >>> 7;
    EdwardsPoint p = new EdwardsPoint();
    X25519Field.decode(bytes, off, p.y); // drops bit 255
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    curveRatio(p.y, u, v);
    if (!X25519Field.sqrtRatioVar(u, v, p.x)) {
      return null;
    }
    X25519Field.normalize(p.x);
    boolean xIsZero = X25519Field.isZeroVar(p.x);
    if (sign == 1 && xIsZero) {
      return null;
    }
    if ((p.x[0] & 1) != sign) {
      X25519Field.negate(p.x, p.x);
      X25519Field.normalize(p.x);
    }
    X25519Field.one(p.z);
    X25519Field.mul(p.x, p.y, p.t);
    return p;
  }

  /**
   * As {@link #decode}, but with R's x coordinate given ({@code xHint}, 32 bytes little-endian), so no
   * square root is taken: the hint is accepted only if it is canonical, has the parity the sign bit
   * asks for and lies on the curve with this y. For a y there are at most two such x, of opposite
   * parity, so an accepted hint yields exactly the point {@link #decode} would. Null when the hint is
   * not that x (the caller then decodes in full, which also settles whether there is a point at all).
   */
  static EdwardsPoint decodeWithX(byte[] bytes, int off, byte[] xHint) {
    if (xHint == null || xHint.length != 32 || (xHint[31] & 0x80) != 0 || !isCanonicalY(xHint, 0)
        || !isCanonicalY(bytes, off) || (xHint[0] & 1) != (bytes[off + 31] & 0x80) >>> 7) {
      return null;
    }
    EdwardsPoint p = new EdwardsPoint();
    X25519Field.decode(bytes, off, p.y);
    X25519Field.decode(xHint, 0, p.x);
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    int[] w = X25519Field.create();
    curveRatio(p.y, u, v);
    X25519Field.sqr(p.x, w);
    X25519Field.mul(w, v, w);
    X25519Field.sub(w, u, w);
    X25519Field.carry(w);
    X25519Field.normalize(w);
    if (!X25519Field.isZeroVar(w)) {
      return null;
    }
    X25519Field.one(p.z);
    X25519Field.mul(p.x, p.y, p.t);
    return p;
  }

  /** u = y² - 1 and v = d·y² + 1: the curve, -x² + y² = 1 + d·x²·y², says x² = u / v. */
  private static void curveRatio(int[] y, int[] u, int[] v) {
    X25519Field.sqr(y, u);
    X25519Field.mul(D, u, v);
    X25519Field.subOne(u);
    X25519Field.addOne(v);
  }

  /** The canonical 32-byte encoding of x, for a point fresh from decoding (Z = 1). */
  byte[] affineX() {
    int[] a = X25519Field.create();
    X25519Field.copy(x, 0, a, 0);
    X25519Field.normalize(a);
    byte[] out = new byte[32];
    X25519Field.encode(a, out, 0);
    return out;
  }

  /** y < p, read little-endian with the sign bit cleared. */
  static boolean isCanonicalY(byte[] b, int off) {
    if ((b[off + 31] & 0x7F) != 0x7F) {
      return true;
    }
    for (int i = 30; i >= 1; i--) {
      if ((b[off + i] & 0xFF) != 0xFF) {
        return true;
      }
    }
    return (b[off] & 0xFF) < 0xED;
  }

  byte[] encode() {
    int[] zInv = X25519Field.create();
    int[] ax = X25519Field.create();
    int[] ay = X25519Field.create();
    X25519Field.inv(z, zInv);
    X25519Field.mul(x, zInv, ax);
    X25519Field.mul(y, zInv, ay);
    X25519Field.normalize(ax);
    X25519Field.normalize(ay);
    byte[] out = new byte[32];
    X25519Field.encode(ay, out, 0);
    out[31] |= (byte) ((ax[0] & 1) << 7);
    return out;
  }

  EdwardsPoint negate() {
    EdwardsPoint n = new EdwardsPoint();
    X25519Field.negate(x, n.x);
    X25519Field.copy(y, 0, n.y, 0);
    X25519Field.copy(z, 0, n.z, 0);
    X25519Field.negate(t, n.t);
    return n;
  }

  /** True for the neutral element: X = 0 and Y = Z. */
  boolean isIdentity() {
    int[] a = X25519Field.create();
    X25519Field.copy(x, 0, a, 0);
    X25519Field.carry(a);
    X25519Field.normalize(a);
    if (!X25519Field.isZeroVar(a)) {
      return false;
    }
    X25519Field.sub(y, z, a);
    X25519Field.carry(a);
    X25519Field.normalize(a);
    return X25519Field.isZeroVar(a);
  }

  /** this = 2·this (RFC 8032 §5.1.4 doubling for a = -1). */
  void doubleInPlace() {
    int[][] tmp = scratch();
    int[] a = tmp[0];
    int[] b = tmp[1];
    int[] c = tmp[2];
    int[] e = tmp[3];
    int[] f = tmp[4];
    int[] g = tmp[5];
    int[] h = tmp[6];
    X25519Field.sqr(x, a);
    X25519Field.sqr(y, b);
    X25519Field.sqr(z, c);
    X25519Field.add(c, c, c);
    X25519Field.add(x, y, e);
    X25519Field.sqr(e, e);
    X25519Field.apm(a, b, h, g); // h = A + B, g = A - B
    X25519Field.sub(h, e, e);
    X25519Field.carry(e);
    X25519Field.add(c, g, f);
    X25519Field.carry(f);
    X25519Field.mul(e, f, x);
    X25519Field.mul(g, h, y);
    X25519Field.mul(e, h, t);
    X25519Field.mul(f, g, z);
  }

  /** this = this + q, or this - q when {@code subtract}. */
  void add(Cached q, boolean subtract) {
    int[][] tmp = scratch();
    int[] a = tmp[0];
    int[] b = tmp[1];
    int[] c = tmp[2];
    int[] d = tmp[3];
    int[] e = tmp[4];
    int[] f = tmp[5];
    int[] g = tmp[6];
    int[] h = tmp[7];
    X25519Field.apm(y, x, b, a); // b = Y + X, a = Y - X
    // -q swaps (Y + X) with (Y - X) and negates T.
    X25519Field.mul(a, subtract ? q.yPlusX : q.yMinusX, a);
    X25519Field.mul(b, subtract ? q.yMinusX : q.yPlusX, b);
    X25519Field.mul(t, q.t2d, c);
    X25519Field.mul(z, q.z2, d);
    X25519Field.apm(b, a, h, e); // h = B + A, e = B - A
    if (subtract) {
      X25519Field.apm(d, c, f, g); // f = D + C, g = D - C
    } else {
      X25519Field.apm(d, c, g, f); // g = D + C, f = D - C
    }
    X25519Field.mul(e, f, x);
    X25519Field.mul(g, h, y);
    X25519Field.mul(e, h, t);
    X25519Field.mul(f, g, z);
  }

  private int[][] scratch() {
    if (scratch == null) {
      scratch = new int[8][X25519Field.SIZE];
    }
    return scratch;
  }

  EdwardsPoint copy() {
    EdwardsPoint c = new EdwardsPoint();
    X25519Field.copy(x, 0, c.x, 0);
    X25519Field.copy(y, 0, c.y, 0);
    X25519Field.copy(z, 0, c.z, 0);
    X25519Field.copy(t, 0, c.t, 0);
    return c;
  }

  Cached cached() {
    return new Cached(this);
  }

  /** A point prepared as an addend: (Y + X, Y - X, 2Z, 2d·T). */
  static final class Cached {
    final int[] yPlusX = X25519Field.create();
    final int[] yMinusX = X25519Field.create();
    final int[] z2 = X25519Field.create();
    final int[] t2d = X25519Field.create();

    Cached(EdwardsPoint p) {
      X25519Field.apm(p.y, p.x, yPlusX, yMinusX);
      X25519Field.carry(yPlusX);
      X25519Field.carry(yMinusX);
      X25519Field.add(p.z, p.z, z2);
      X25519Field.carry(z2);
      X25519Field.mul(p.t, D2, t2d);
    }
  }

  /** The odd multiples P, 3P, ..., (2·count - 1)P as addends, for windowed scalar multiplication. */
  static Cached[] oddMultiples(EdwardsPoint p, int count) {
    Cached[] table = new Cached[count];
    table[0] = p.cached();
    EdwardsPoint twice = p.copy();
    twice.doubleInPlace();
    Cached twiceCached = twice.cached();
    EdwardsPoint acc = p.copy();
    for (int i = 1; i < count; i++) {
      acc.add(twiceCached, false);
      table[i] = acc.cached();
    }
    return table;
  }

  private static int[] element(BigInteger v) {
    int[] e = X25519Field.create();
    X25519Field.decode(reverse(to32(v)), 0, e);
    return e;
  }

  /** {@code v} (0 ≤ v &lt; 2²⁵⁶) as 32 big-endian bytes. */
  static byte[] to32(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(be.length, 32);
    System.arraycopy(be, be.length - n, out, 32 - n, n);
    return out;
  }

  static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }
}
