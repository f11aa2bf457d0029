package dev.bft.core.message;

/**
 * The exact body bytes a sender signed and its signature. Opaque to the protocol: kept so that a
 * message can be embedded in a certificate (VIEW-CHANGE, NEW-VIEW) byte for byte as it was signed,
 * never re-serialised. Arrays are never modified after construction.
 *
 * @param rX null, or the x coordinate of the signature's R as this replica's own check of the
 *     signature found it: a primary passes it on with the request inside its PRE-PREPARE, so that
 *     the backups skip the square root of decompressing R (wire-format.md). Not part of what was signed.
 */
public record WireForm(byte[] body, byte[] signature, byte[] rX) {
  public WireForm {
    if (body == null || signature == null) {
      throw new IllegalArgumentException("a wire form needs its body and its signature");
    }
  }

  public WireForm(byte[] body, byte[] signature) {
    this(body, signature, null);
  }
}
