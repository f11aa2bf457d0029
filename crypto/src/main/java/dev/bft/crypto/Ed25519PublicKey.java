package dev.bft.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A validated Ed25519 public key: a canonical encoding of a point of prime order (small-order and
 * mixed-order points are refused, so no signature verifies under a key without its private key).
 * The decoded point is kept so each verify skips decoding.
 */
public final class Ed25519PublicKey {
  public static final int SIZE = Ed25519.PUBLIC_KEY_SIZE;

  private final byte[] encoded;
  private final Ed25519.PublicPoint point;
  private final EdwardsPoint edwardsPoint;
  private volatile EdwardsPoint.Cached[] negatedTable;

  private Ed25519PublicKey(byte[] encoded, Ed25519.PublicPoint point, EdwardsPoint edwardsPoint) {
    this.encoded = encoded;
    this.point = point;
    this.edwardsPoint = edwardsPoint;
  }

  /** Decodes and validates 32 bytes; throws IllegalArgumentException saying why they are not a key. */
  public static Ed25519PublicKey fromBytes(byte[] encoded) {
    if (encoded == null || encoded.length != SIZE) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is " + SIZE + " bytes, got " + (encoded == null ? "none" : encoded.length));
    }
    byte[] copy = encoded.clone();
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(copy, 0);
    EdwardsPoint edwards = EdwardsPoint.decode(copy, 0);
    if (point == null || edwards == null) {
      throw new IllegalArgumentException("32 bytes that are not a point of prime order on Ed25519 (canonically encoded)");
    }
    return new Ed25519PublicKey(copy, point, edwards);
  }

  /** Parses the hex form used in cluster files. */
  public static Ed25519PublicKey fromHex(String hex) {
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(hex.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not hex");
    }
    return fromBytes(bytes);
  }

  public byte[] toBytes() {
    return encoded.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(encoded);
  }

  /**
   * Verifies a signature over {@code message[off, off+len)} in the given domain. Never throws on bad input.
   *
   * <p>BouncyCastle's check (1.83) is cofactored and, with the prime-order keys this class admits,
   * accepts exactly the rule {@link SignatureBatch} applies ({@link CofactoredVerification}); the
   * crypto tests pin that agreement on crafted signatures, so an upgrade that changed it would fail them.
   */
  public boolean verify(SignatureDomain domain, byte[] message, int off, int len, byte[] signature) {
    if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE
        || message == null || off < 0 || len < 0 || off > message.length - len) {
      return false;
    }
    return Ed25519.verify(signature, 0, point, domain.context(), message, off, len);
  }

  public boolean verify(SignatureDomain domain, byte[] message, byte[] signature) {
    return verify(domain, message, 0, message.length, signature);
  }

  /** Odd multiples of -A for batch verification; built on first use (a benign race builds it twice). */
  EdwardsPoint.Cached[] negatedTable() {
    EdwardsPoint.Cached[] t = negatedTable;
    if (t == null) {
      t = CofactoredVerification.negatedKeyTable(edwardsPoint);
      negatedTable = t;
    }
    return t;
  }

  byte[] encodedUnsafe() {
    return encoded;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ed25519PublicKey k && Arrays.equals(k.encoded, encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Ed25519PublicKey[" + toHex().substring(0, 16) + "…]";
  }
}
