package dev.bft.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** A validated Ed25519 public key; the decoded curve point is kept so each verify skips decoding. */
public final class Ed25519PublicKey {
  public static final int SIZE = Ed25519.PUBLIC_KEY_SIZE;

  private final byte[] encoded;
  private final Ed25519.PublicPoint point;

  private Ed25519PublicKey(byte[] encoded, Ed25519.PublicPoint point) {
    this.encoded = encoded;
    this.point = point;
  }

  /** Decodes and validates 32 bytes; throws IllegalArgumentException saying why they are not a key. */
  public static Ed25519PublicKey fromBytes(byte[] encoded) {
    if (encoded == null || encoded.length != SIZE) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is " + SIZE + " bytes, got " + (encoded == null ? "none" : encoded.length));
    }
    byte[] copy = encoded.clone();
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(copy, 0);
    if (point == null) {
      throw new IllegalArgumentException("32 bytes that are not a point on Ed25519");
    }
    return new Ed25519PublicKey(copy, point);
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

  /** Verifies a signature over {@code message[off, off+len)} in the given domain. Never throws on bad input. */
  public boolean verify(SignatureDomain domain, byte[] message, int off, int len, byte[] signature) {
    if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE
        || off < 0 || len < 0 || off > message.length - len) {
      return false;
    }
    return Ed25519.verify(signature, 0, point, domain.context(), message, off, len);
  }

  public boolean verify(SignatureDomain domain, byte[] message, byte[] signature) {
    return verify(domain, message, 0, message.length, signature);
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
