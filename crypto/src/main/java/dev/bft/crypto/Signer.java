package dev.bft.crypto;

/** Produces signatures in a domain. Implementations must be safe to call from several threads. */
public interface Signer {
  byte[] sign(SignatureDomain domain, byte[] message, int off, int len);

  default byte[] sign(SignatureDomain domain, byte[] message) {
    return sign(domain, message, 0, message.length);
  }
}
