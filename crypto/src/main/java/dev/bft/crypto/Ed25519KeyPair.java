package dev.bft.crypto;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** A private key with its public key; signing passes both to BouncyCastle, which halves its cost. */
public final class Ed25519KeyPair implements Signer {
  public static final int SIGNATURE_SIZE = Ed25519.SIGNATURE_SIZE;
  public static final int PRIVATE_KEY_SIZE = Ed25519.SECRET_KEY_SIZE;

  private final byte[] privateKey;
  private final Ed25519PublicKey publicKey;

  private Ed25519KeyPair(byte[] privateKey) {
    this.privateKey = privateKey;
    byte[] pub = new byte[Ed25519PublicKey.SIZE];
    Ed25519.generatePublicKey(privateKey, 0, pub, 0);
    this.publicKey = Ed25519PublicKey.fromBytes(pub);
  }

  public static Ed25519KeyPair generate(SecureRandom random) {
    byte[] sk = new byte[PRIVATE_KEY_SIZE];
    Ed25519.generatePrivateKey(random, sk);
    return new Ed25519KeyPair(sk);
  }

  /** A key pair from a 32-byte RFC 8032 private key (seed). */
  public static Ed25519KeyPair fromPrivateKey(byte[] privateKey) {
    if (privateKey == null || privateKey.length != PRIVATE_KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 private key is " + PRIVATE_KEY_SIZE + " bytes, got "
          + (privateKey == null ? "none" : privateKey.length));
    }
    return new Ed25519KeyPair(privateKey.clone());
  }

  /** Deterministic keys for tests and simulation only: derived from a seed, never secret. */
  public static Ed25519KeyPair forTesting(long seed) {
    byte[] sk = Digests.sha256(("dev.bft test key " + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new Ed25519KeyPair(sk);
  }

  public Ed25519PublicKey publicKey() {
    return publicKey;
  }

  public byte[] privateKeyBytes() {
    return privateKey.clone();
  }

  public String privateKeyHex() {
    return HexFormat.of().formatHex(privateKey);
  }

  @Override
  public byte[] sign(SignatureDomain domain, byte[] message, int off, int len) {
    byte[] sig = new byte[SIGNATURE_SIZE];
    Ed25519.sign(privateKey, 0, publicKey.encodedUnsafe(), 0, domain.context(), message, off, len, sig, 0);
    return sig;
  }

  @Override
  public String toString() {
    return "Ed25519KeyPair[" + publicKey + "]";
  }
}
