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
  private final long epoch;
  private final byte[] context;

  private SignatureDomain(int messageType, byte[] context) {
    this.messageType = messageType;
    this.epoch = 0;
    this.context = context;
  }

  /** A domain with raw context bytes, for checking the verification rule against RFC 8032's vectors. */
  static SignatureDomain withContext(byte[] context) {
    return new SignatureDomain(-1, context.clone());
  }

  private SignatureDomain(int messageType) {
    this.messageType = messageType;
    this.epoch = 0;
    this.context = Arrays.copyOf(TAG, TAG.length + 2);
    context[TAG.length] = (byte) (messageType >>> 8);
    context[TAG.length + 1] = (byte) messageType;
  }

  /** Epoch 0 keeps the context of a type alone, so what was signed before epochs existed still verifies. */
  private SignatureDomain(int messageType, long epoch) {
    this.messageType = messageType;
    this.epoch = epoch;
    this.context = java.nio.ByteBuffer.allocate(TAG.length + 2 + 8).put(TAG).putShort((short) messageType)
        .putLong(epoch).array();
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

  /**
   * The domain for one message type in one configuration epoch: a message signed in one epoch never
   * verifies in another, whatever its envelope claims (docs/reconfiguration.md).
   */
  public static SignatureDomain of(int messageType, long epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch " + epoch + " is negative");
    }
    return epoch == 0 ? of(messageType) : new SignatureDomain(checkedType(messageType), epoch);
  }

  private static int checkedType(int messageType) {
    if (messageType < 0 || messageType > 0xFFFF) {
      throw new IllegalArgumentException("message type " + messageType + " is outside 0..65535");
    }
    return messageType;
  }

  public int messageType() {
    return messageType;
  }

  public long epoch() {
    return epoch;
  }

  /** The Ed25519ctx context bytes; shared, never modify. */
  byte[] context() {
    return context;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignatureDomain d && d.messageType == messageType && d.epoch == epoch
        && Arrays.equals(d.context, context);
  }

  @Override
  public int hashCode() {
    return messageType * 31 + Long.hashCode(epoch);
  }

  @Override
  public String toString() {
    return "SignatureDomain[" + messageType + (epoch == 0 ? "" : ", epoch " + epoch) + "]";
  }
}
