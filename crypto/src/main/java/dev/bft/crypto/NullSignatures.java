package dev.bft.crypto;

/**
 * INSECURE, for benchmarks and simulation only: a "signature" of 64 zero bytes that says nothing.
 * Lets a benchmark measure the protocol without crypto, to compare with real Ed25519.
 */
public final class NullSignatures implements Signer {
  public static final NullSignatures INSTANCE = new NullSignatures();
  private static final byte[] EMPTY = new byte[Ed25519KeyPair.SIGNATURE_SIZE];

  private NullSignatures() {}

  @Override
  public byte[] sign(SignatureDomain domain, byte[] message, int off, int len) {
    return EMPTY.clone();
  }
}
