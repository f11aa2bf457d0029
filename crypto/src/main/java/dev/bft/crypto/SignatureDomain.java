package dev.bft.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a signature is about. The domain becomes the RFC 8032 Ed25519ctx context, so a signature
 * made for one message type (or by another protocol using the same keys) never verifies as another.
 */
public final class SignatureDomain {
  private static final byte[] TAG = "dev.bft/1".getBytes(StandardCharsets.US_ASCII);

  private final int messageType;
  private final byte[] context;

  private SignatureDomain(int messageType, byte[] context) {
    this.messageType = messageType;
    this.context = context;
  }

  /** A domain with raw context bytes, for checking the verification rule against RFC 8032's vectors. */
  static SignatureDomain withContext(byte[] context) {
    return new SignatureDomain(-1, context.clone());
  }

  private SignatureDomain(int messageType) {
    this.messageType = messageType;
    this.context = Arrays.copyOf(TAG, TAG.length + 2);
    context[TAG.length] = (byte) (messageType >>> 8);
    context[TAG.length + 1] = (byte) messageType;
  }

  private static final SignatureDomain[] CACHE = new SignatureDomain[256];

  static {
    for (int i = 0; i < CACHE.length; i++) {
      CACHE[i] = new SignatureDomain(i);
    }
  }

  /** The domain for one message type, 0..65535. */
  public static SignatureDomain of(int messageType) {
    if (messageType < 0 || messageType > 0xFFFF) {
      throw new IllegalArgumentException("message type " + messageType + " is outside 0..65535");
    }
    return messageType < CACHE.length ? CACHE[messageType] : new SignatureDomain(messageType);
  }

  public int messageType() {
    return messageType;
  }

  /** The Ed25519ctx context bytes; shared, never modify. */
  byte[] context() {
    return context;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignatureDomain d && d.messageType == messageType;
  }

  @Override
  public int hashCode() {
    return messageType;
  }

  @Override
  public String toString() {
    return "SignatureDomain[" + messageType + "]";
  }
}
