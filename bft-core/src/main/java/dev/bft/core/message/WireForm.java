package dev.bft.core.message;

/**
 * The exact body bytes a sender signed and its signature. Opaque to the protocol: kept so that a
 * message can be embedded in a certificate (VIEW-CHANGE, NEW-VIEW) byte for byte as it was signed,
 * never re-serialised. Arrays are never modified after construction.
 */
public record WireForm(byte[] body, byte[] signature) {
  public WireForm {
    if (body == null || signature == null) {
      throw new IllegalArgumentException("a wire form needs its body and its signature");
    }
  }
}
