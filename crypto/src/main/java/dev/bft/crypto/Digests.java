package dev.bft.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 through the JDK, which is faster than BouncyCastle's on Java 17 (intrinsics). */
public final class Digests {
  public static final int SHA256_SIZE = 32;

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  });

  private Digests() {}

  public static byte[] sha256(byte[] data) {
    return sha256(data, 0, data.length);
  }

  public static byte[] sha256(byte[] data, int off, int len) {
    MessageDigest md = SHA256.get();
    md.update(data, off, len);
    return md.digest();
  }

  /** SHA-256 over the concatenation of the parts, without building the concatenation. */
  public static byte[] sha256(byte[]... parts) {
    MessageDigest md = SHA256.get();
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  /** A fresh SHA-256 instance for incremental use by one thread. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
