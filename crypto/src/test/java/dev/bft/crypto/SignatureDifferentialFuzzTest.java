package dev.bft.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;

/**
 * Single and batch verification must accept exactly the same signatures (docs/protocol.md; otherwise a
 * crafted signature splits replicas). For any (key, domain, message, signature) the fuzzer builds,
 * BouncyCastle's single check, our cofactored single check, our batch equation (with valid
 * neighbours) and the batch's one-by-one fallback must agree, and an R hint must change nothing.
 * The point arithmetic behind the batch path is ours: this is where a bug in it would show.
 *
 * <p>Input layout, read by {@link Cursor} (missing bytes read as 0), so seeds can be written by hand:
 * {@code [flags][domain][key: index byte, or 32 bytes if flags&1][msgLen][msg][signature part][hint: 32 if flags&8]},
 * signature kind = (flags >> 1) & 3, or 4..5 when flags&16: 0 raw ({@code [len][bytes]}), 1 valid,
 * 2 valid with {@code [count]} x {@code [pos][xor]} mutations, 3 valid with R or s replaced
 * ({@code [32 bytes][which]}), 4 dishonest R = [r]B + [j]T8 re-signed ({@code [j][32 bytes of r]}), 5 small-order
 * R = [j]T8 with s = k·a ({@code [j]}); kinds 4 and 5 then take kind 2's mutations.
 */
class SignatureDifferentialFuzzTest {
  static final Ed25519KeyPair[] KEYS = {Ed25519KeyPair.forTesting(0), Ed25519KeyPair.forTesting(1),
      Ed25519KeyPair.forTesting(2), Ed25519KeyPair.forTesting(3)};
  static final SignatureDomain NEIGHBOUR_DOMAIN = SignatureDomain.of(2);
  static final List<SignedItem> NEIGHBOURS = neighbours();
  static final EdwardsPoint BASE = EdwardsPoint.decode(HexFormat.of()
      .parseHex("5866666666666666666666666666666666666666666666666666666666666666"), 0);
  static final EdwardsPoint ORDER_8 = pointOfOrder8();

  @FuzzTest(maxDuration = "10m")
  void singleAndBatchAgree(byte[] input) {
    Cursor in = new Cursor(input);
    int flags = in.next();
    SignatureDomain domain = SignatureDomain.of(in.next());
    Ed25519KeyPair pair = null;
    Ed25519PublicKey key;
    if ((flags & 1) != 0) {
      try {
        key = Ed25519PublicKey.fromBytes(in.bytes(32));
      } catch (IllegalArgumentException refusedWhenTheClusterFileIsRead) {
        return;
      }
    } else {
      pair = KEYS[in.next() % KEYS.length];
      key = pair.publicKey();
    }
    byte[] message = in.bytes(in.next());
    int kind = (flags & 16) != 0 ? 4 + ((flags >> 1) & 1) : (flags >> 1) & 3;
    Ed25519KeyPair signer = pair != null ? pair : KEYS[0];
    byte[] sig;
    switch (kind) {
      case 0 -> sig = in.bytes(in.next() % 81);
      case 1 -> sig = signer.sign(domain, message);
      case 2 -> sig = mutate(signer.sign(domain, message), in);
      case 3 -> {
        sig = signer.sign(domain, message);
        System.arraycopy(in.bytes(32), 0, sig, (in.next() & 1) * 32, 32);
      }
      case 4 -> sig = mutate(torsionR(signer, domain, message, in.next(), new BigInteger(1, in.bytes(32))), in);
      default -> sig = mutate(smallOrderR(signer, domain, message, in.next()), in);
    }
    SignedItem item = new SignedItem(key, domain, message, sig);
    byte[] hint = (flags & 8) != 0 ? in.bytes(32) : null;
    check(item, hint, input);
  }

  private static void check(SignedItem item, byte[] hint, byte[] input) {
    boolean bouncyCastle = item.verify();
    boolean cofactored = CofactoredVerification.verifyOne(item);
    List<SignedItem> batch = List.of(NEIGHBOURS.get(0), item, NEIGHBOURS.get(1));
    boolean equation = CofactoredVerification.verifyAll(batch);
    boolean allValid = SignatureBatch.allValid(batch);
    BitSet validity = SignatureBatch.validity(List.of(NEIGHBOURS.get(0), NEIGHBOURS.get(1), item, NEIGHBOURS.get(2)));
    boolean hinted = hint == null ? bouncyCastle
        : CofactoredVerification.verifyAll(List.of(NEIGHBOURS.get(0), item.withRX(hint), NEIGHBOURS.get(1)));
    if (cofactored != bouncyCastle || equation != bouncyCastle || allValid != bouncyCastle
        || validity.get(2) != bouncyCastle || validity.cardinality() != (bouncyCastle ? 4 : 3) || hinted != bouncyCastle) {
      throw new AssertionError("verdicts differ: BouncyCastle " + bouncyCastle + ", cofactored single " + cofactored
          + ", equation " + equation + ", allValid " + allValid + ", validity " + validity + ", hinted " + hinted
          + " for key " + item.signer().toHex() + ", signature " + HexFormat.of().formatHex(item.signature())
          + ", input " + HexFormat.of().formatHex(input));
    }
  }

  private static byte[] mutate(byte[] sig, Cursor in) {
    int count = in.next() % 8;
    for (int i = 0; i < count; i++) {
      sig[in.next() % sig.length] ^= (byte) in.next();
    }
    return sig;
  }

  /** What only a dishonest signer makes: R = [r]B + [j]T8, s = r + k·a over that R. */
  private static byte[] torsionR(Ed25519KeyPair signer, SignatureDomain domain, byte[] message, int j, BigInteger r) {
    EdwardsPoint bigR = multiply(BASE, r.mod(CofactoredVerification.L));
    bigR.add(multiply(ORDER_8, BigInteger.valueOf(j % 8)).cached(), false);
    byte[] sig = new byte[64];
    System.arraycopy(bigR.encode(), 0, sig, 0, 32);
    BigInteger k = CofactoredVerification.challenge(domain.context(), sig, signer.publicKey().toBytes(), message, 0,
        message.length);
    BigInteger s = r.add(k.multiply(secretScalar(signer))).mod(CofactoredVerification.L);
    System.arraycopy(EdwardsPoint.reverse(EdwardsPoint.to32(s)), 0, sig, 32, 32);
    return sig;
  }

  /** R = [j]T8 of small order and s = k·a, so [s]B - R - [k]A = -R. */
  private static byte[] smallOrderR(Ed25519KeyPair signer, SignatureDomain domain, byte[] message, int j) {
    byte[] sig = new byte[64];
    System.arraycopy(multiply(ORDER_8, BigInteger.valueOf(j % 8)).encode(), 0, sig, 0, 32);
    BigInteger k = CofactoredVerification.challenge(domain.context(), sig, signer.publicKey().toBytes(), message, 0,
        message.length);
    BigInteger s = k.multiply(secretScalar(signer)).mod(CofactoredVerification.L);
    System.arraycopy(EdwardsPoint.reverse(EdwardsPoint.to32(s)), 0, sig, 32, 32);
    return sig;
  }

  private static List<SignedItem> neighbours() {
    byte[][] messages = {{1}, {2, 2}, {3, 3, 3}};
    return java.util.stream.IntStream.range(0, 3).mapToObj(i -> new SignedItem(KEYS[i + 1].publicKey(), NEIGHBOUR_DOMAIN,
        messages[i], KEYS[i + 1].sign(NEIGHBOUR_DOMAIN, messages[i]))).toList();
  }

  private static EdwardsPoint multiply(EdwardsPoint p, BigInteger k) {
    EdwardsPoint acc = EdwardsPoint.identity();
    EdwardsPoint.Cached addend = p.cached();
    for (int i = k.bitLength() - 1; i >= 0; i--) {
      acc.doubleInPlace();
      if (k.testBit(i)) {
        acc.add(addend, false);
      }
    }
    return acc;
  }

  private static BigInteger secretScalar(Ed25519KeyPair keys) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-512").digest(keys.privateKeyBytes());
      h[0] &= (byte) 248;
      h[31] &= 127;
      h[31] |= 64;
      return new BigInteger(1, EdwardsPoint.reverse(Arrays.copyOf(h, 32)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static EdwardsPoint pointOfOrder8() {
    java.util.Random random = new java.util.Random(8);
    byte[] bytes = new byte[32];
    while (true) {
      random.nextBytes(bytes);
      EdwardsPoint p = EdwardsPoint.decode(bytes, 0);
      if (p != null) {
        EdwardsPoint t = multiply(p, CofactoredVerification.L);
        if (!multiply(t, BigInteger.valueOf(4)).isIdentity() && multiply(t, BigInteger.valueOf(8)).isIdentity()) {
          return t;
        }
      }
    }
  }

  /** Reads the fuzzer's bytes front to back; past the end everything reads as zero. */
  static final class Cursor {
    private final byte[] data;
    private int pos;

    Cursor(byte[] data) {
      this.data = data;
    }

    int next() {
      return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    byte[] bytes(int n) {
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) next();
      }
      return out;
    }
  }
}
