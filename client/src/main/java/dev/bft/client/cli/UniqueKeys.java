package dev.bft.client.cli;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * The keys and values of {@code bft client load --keys unique}: key n of the load's identity i is
 * {@code [i:8][n:8]}, and its value a function of the key, so whoever knows how many keys an
 * identity wrote can check every value without a copy of them (a read-back, a test).
 */
public final class UniqueKeys {
  private UniqueKeys() {}

  public static byte[] key(int identity, long n) {
    return ByteBuffer.allocate(16).putLong(identity).putLong(n).array();
  }

  /** The value a put of {@code key} writes in an operation of {@code size} bytes (what --size says). */
  public static byte[] value(byte[] key, int size) {
    byte[] value = new byte[Math.max(0, size - 13 - key.length + 4)];
    new Random(Arrays.hashCode(key)).nextBytes(value);
    return value;
  }
}
