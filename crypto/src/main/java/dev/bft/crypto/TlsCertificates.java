package dev.bft.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node's Ed25519 key in the form TLS wants: a JDK private key and a self-signed certificate.
 * Trust never rests on the certificate's signature or names: a peer is trusted when the public key
 * in its certificate is one the cluster file names (pinned keys), and TLS has it prove it holds the
 * private key. So the certificate is made from the key when a process starts and needs no file.
 */
public final class TlsCertificates {
  // DER prefixes of PKCS#8 and SubjectPublicKeyInfo for Ed25519 (RFC 8410), followed by the 32 raw bytes.
  private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");
  private static final byte[] SPKI_PREFIX = hex("302a300506032b6570032100");

  private TlsCertificates() {}

  public static PrivateKey privateKey(Ed25519KeyPair key) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, key.privateKeyBytes())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot load an Ed25519 key (Java 15 or later is needed)", e);
    }
  }

  /** A certificate for {@code key}, signed by itself, valid for a century from yesterday. */
  public static X509Certificate selfSigned(Ed25519KeyPair key, String commonName) {
    try {
      PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(
          new X509EncodedKeySpec(concat(SPKI_PREFIX, key.publicKey().toBytes())));
      X500Name name = new X500Name("CN=" + commonName);
      Instant from = Instant.now().minus(1, ChronoUnit.DAYS);
      X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(from),
          Date.from(from.plus(36_500, ChronoUnit.DAYS)), name, pub)
          .build(new JcaContentSignerBuilder("Ed25519").build(privateKey(key)));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make a TLS certificate for " + key.publicKey(), e);
    }
  }

  /** The Ed25519 key a certificate carries, or null if it carries another kind of key. */
  public static Ed25519PublicKey publicKeyOf(X509Certificate certificate) {
    byte[] spki = certificate.getPublicKey().getEncoded();
    if (spki == null || spki.length != SPKI_PREFIX.length + Ed25519PublicKey.SIZE
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      return null;
    }
    try {
      return Ed25519PublicKey.fromBytes(Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length));
    } catch (IllegalArgumentException notAValidPoint) {
      return null;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
