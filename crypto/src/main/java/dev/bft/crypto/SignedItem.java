package dev.bft.crypto;

/**
 * One signature to check: who claims to have signed which bytes, in which domain.
 *
 * @param rX optional: the 32-byte canonical x coordinate of the signature's R, as a verifier that
 *     decompressed R reports it ({@link SignatureBatch#validity(java.util.List, VerificationTally, byte[][])}),
 *     so the next verifier of the same signature skips decompression's square root. Not signed and not
 *     trusted: a wrong hint is detected and ignored, so it never changes a verdict, only what it costs.
 */
public record SignedItem(Ed25519PublicKey signer, SignatureDomain domain, byte[] message, int offset, int length,
                         byte[] signature, byte[] rX) {
  public SignedItem(Ed25519PublicKey signer, SignatureDomain domain, byte[] message, int offset, int length,
                    byte[] signature) {
    this(signer, domain, message, offset, length, signature, null);
  }

  public SignedItem(Ed25519PublicKey signer, SignatureDomain domain, byte[] message, byte[] signature) {
    this(signer, domain, message, 0, message.length, signature, null);
  }

  /** This item with {@code hint} as its R's x coordinate. */
  public SignedItem withRX(byte[] hint) {
    return new SignedItem(signer, domain, message, offset, length, signature, hint);
  }

  public boolean verify() {
    return signer != null && signer.verify(domain, message, offset, length, signature);
  }
}
