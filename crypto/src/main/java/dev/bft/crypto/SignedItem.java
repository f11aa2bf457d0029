package dev.bft.crypto;

/** One signature to check: who claims to have signed which bytes, in which domain. */
public record SignedItem(Ed25519PublicKey signer, SignatureDomain domain, byte[] message, int offset, int length,
                         byte[] signature) {
  public SignedItem(Ed25519PublicKey signer, SignatureDomain domain, byte[] message, byte[] signature) {
    this(signer, domain, message, 0, message.length, signature);
  }

  public boolean verify() {
    return signer != null && signer.verify(domain, message, offset, length, signature);
  }
}
