package dev.bft.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte SHA-256 value with value equality; immutable. */
public final class Digest implements Comparable<Digest> {
  public static final int SIZE = Digests.SHA256_SIZE;
  /** The digest that stands for "nothing" (the null request of a view change). */
  public static final Digest ZERO = new Digest(new byte[SIZE]);

  private final byte[] bytes;
  private final int hash;

  private Digest(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static Digest of(byte[] bytes) {
    if (bytes == null || bytes.length != SIZE) {
      throw new IllegalArgumentException("a digest is " + SIZE + " bytes, got "
          + (bytes == null ? "none" : bytes.length));
    }
    return new Digest(bytes.clone());
  }

  public static Digest sha256(byte[] data) {
    return new Digest(Digests.sha256(data));
  }

  public static Digest sha256(byte[] data, int off, int len) {
    return new Digest(Digests.sha256(data, off, len));
  }

  public static Digest sha256(byte[]... parts) {
    return new Digest(Digests.sha256(parts));
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  /** For feeding a MessageDigest without copying; callers must not modify the array. */
  public byte[] bytesUnsafe() {
    return bytes;
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.hash == hash && Arrays.equals(d.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Digest o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex().substring(0, 12);
  }
}
