package dev.bft.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * The acceptance rule and its batch form: valid signatures pass alone and together, every kind of
 * invalid one fails both ways, and the signatures where a cofactorless and a cofactored check would
 * part (an R that has, or is, a small-order component) get one verdict from the single and the
 * batch path, so no crafted signature can split replicas.
 */
class CofactoredVerificationTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final SignatureDomain DOMAIN = SignatureDomain.of(7);
  private static final java.util.Map<Ed25519PublicKey, BigInteger> SIGNERS = new java.util.HashMap<>();
  private static final byte[] BASE = HEX.parseHex("5866666666666666666666666666666666666666666666666666666666666666");

  @Test
  void theBasePointDecodesEncodesAndHasOrderL() {
    EdwardsPoint b = EdwardsPoint.decode(BASE, 0);
    assertThat(b).isNotNull();
    assertThat(b.encode()).isEqualTo(BASE);
    assertThat(multiply(b, CofactoredVerification.L).isIdentity()).isTrue();
    assertThat(multiply(b, CofactoredVerification.L.subtract(BigInteger.ONE)).isIdentity()).isFalse();
    assertThat(multiply(b, BigInteger.TWO).encode()).isEqualTo(twice(b).encode());
  }

  @Test
  void publicKeysAreTheBaseTimesTheirSecretScalar() {
    // RFC 8032 7.1 TEST 1: the public key is [a]B for the pruned scalar a of SHA-512(seed).
    BigInteger a = secretScalar(Ed25519KeyPair.fromPrivateKey(
        HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")));
    assertThat(HEX.formatHex(multiply(EdwardsPoint.decode(BASE, 0), a).encode()))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  }

  @Test
  void rfc8032ContextVectorsSatisfyTheCofactoredEquationAlone() {
    Ed25519PublicKey key = Ed25519PublicKey.fromHex("dfc9425e4f968f7f0c29f0259cf5f9aed6851c2bb4ad8bfb860cfee0ab248292");
    SignatureDomain foo = SignatureDomain.withContext("foo".getBytes(StandardCharsets.US_ASCII));
    SignatureDomain bar = SignatureDomain.withContext("bar".getBytes(StandardCharsets.US_ASCII));
    byte[] message = HEX.parseHex("f726936d19c800494e3fdaff20b276a8");
    byte[] sigFoo = HEX.parseHex("55a4cc2f70a54e04288c5f4cd1e45a7bb520b36292911876cada7323198dd87a"
        + "8b36950b95130022907a7fb7c4e9b2d5f6cca685a587b4b21f4b888e4e7edb0d");
    byte[] sigBar = HEX.parseHex("fc60d5872fc46b3aa69f8b5b4351d5808f92bcc044606db097abab6dbcb1aee3"
        + "216c48e8b3b66431b5b186d1d28f8ee15a5ca2df6668346291c2043d4eb3e90d");
    assertThat(CofactoredVerification.verifyOne(new SignedItem(key, foo, message, sigFoo))).isTrue();
    assertThat(CofactoredVerification.verifyOne(new SignedItem(key, bar, message, sigBar))).isTrue();
    assertThat(CofactoredVerification.verifyOne(new SignedItem(key, bar, message, sigFoo))).isFalse();
    assertThat(SignatureBatch.allValid(List.of(new SignedItem(key, foo, message, sigFoo),
        new SignedItem(key, bar, message, sigBar), new SignedItem(key, foo, message, sigFoo)))).isTrue();
  }

  @Test
  void validSignaturesPassAloneAndInBatchesOfEverySize() {
    Random random = new Random(1);
    for (int n : new int[] {1, 2, 3, 4, 7, 16, 64}) {
      List<SignedItem> items = validItems(random, n, 5);
      for (SignedItem item : items) {
        assertThat(CofactoredVerification.verifyOne(item)).isTrue();
      }
      assertThat(SignatureBatch.allValid(items)).as("batch of %d", n).isTrue();
      assertThat(SignatureBatch.validity(items).cardinality()).isEqualTo(n);
    }
  }

  @Test
  void anyOneBadSignatureFailsTheBatchAndIsFoundOneByOne() {
    Random random = new Random(2);
    List<SignedItem> items = validItems(random, 40, 7);
    for (int bad : new int[] {0, 17, 39}) {
      List<SignedItem> tampered = new ArrayList<>(items);
      SignedItem victim = items.get(bad);
      byte[] message = victim.message().clone();
      message[0] ^= 1;
      tampered.set(bad, new SignedItem(victim.signer(), victim.domain(), message, victim.signature()));
      assertThat(SignatureBatch.allValid(tampered)).isFalse();
      VerificationTally tally = new VerificationTally();
      BitSet valid = SignatureBatch.validity(tampered, tally);
      BitSet expected = new BitSet();
      expected.set(0, 40);
      expected.clear(bad);
      assertThat(valid).isEqualTo(expected);
      // The failed equation, then each signature again by itself.
      assertThat(tally.equations()).isEqualTo(1);
      assertThat(tally.batched()).isEqualTo(40);
      assertThat(tally.alone()).isEqualTo(40);
    }
  }

  @Test
  void theTallyCountsBelowTheBatchThresholdAsAlone() {
    Random random = new Random(3);
    VerificationTally tally = new VerificationTally();
    assertThat(SignatureBatch.allValid(validItems(random, SignatureBatch.MIN_BATCH - 1, 2), tally)).isTrue();
    assertThat(SignatureBatch.validity(validItems(random, SignatureBatch.MIN_BATCH, 2), tally).cardinality())
        .isEqualTo(SignatureBatch.MIN_BATCH);
    assertThat(tally.alone()).isEqualTo(SignatureBatch.MIN_BATCH - 1);
    assertThat(tally.equations()).isEqualTo(1);
    assertThat(tally.batched()).isEqualTo(SignatureBatch.MIN_BATCH);
  }

  @Test
  void aScalarNotBelowLIsRefusedEvenThoughTheEquationHolds() {
    SignedItem item = validItems(new Random(3), 1, 1).get(0);
    byte[] sig = item.signature().clone();
    BigInteger s = new BigInteger(1, EdwardsPoint.reverse(java.util.Arrays.copyOfRange(sig, 32, 64)));
    byte[] sPlusL = EdwardsPoint.reverse(EdwardsPoint.to32(s.add(CofactoredVerification.L)));
    System.arraycopy(sPlusL, 0, sig, 32, 32);
    SignedItem malleated = new SignedItem(item.signer(), item.domain(), item.message(), sig);
    assertThat(malleated.verify()).isFalse();
    assertThat(CofactoredVerification.verifyOne(malleated)).isFalse();
    assertThat(SignatureBatch.allValid(List.of(malleated, item, item, item))).isFalse();
  }

  @Test
  void nonCanonicalOrNegativeZeroROrAWrongLengthIsRefused() {
    SignedItem item = validItems(new Random(4), 1, 1).get(0);
    byte[] nonCanonical = item.signature().clone();
    byte[] yEqualsPPlusOne = HEX.parseHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    System.arraycopy(yEqualsPPlusOne, 0, nonCanonical, 0, 32);
    byte[] negativeZero = item.signature().clone();
    byte[] minusZero = new byte[32];
    minusZero[0] = 1;
    minusZero[31] = (byte) 0x80;
    System.arraycopy(minusZero, 0, negativeZero, 0, 32);
    for (byte[] sig : List.of(nonCanonical, negativeZero, java.util.Arrays.copyOf(item.signature(), 63))) {
      SignedItem bad = new SignedItem(item.signer(), item.domain(), item.message(), sig);
      assertThat(bad.verify()).isFalse();
      assertThat(CofactoredVerification.verifyOne(bad)).isFalse();
      assertThat(SignatureBatch.allValid(List.of(item, bad, item))).isFalse();
    }
  }

  @Test
  void anRWithASmallOrderComponentIsAcceptedByTheSingleAndTheBatchPathAlike() {
    EdwardsPoint order8 = pointOfOrder8();
    EdwardsPoint order4 = multiply(order8, BigInteger.TWO);
    EdwardsPoint order2 = multiply(order8, BigInteger.valueOf(4));
    Random random = new Random(5);
    List<SignedItem> valid = validItems(random, 12, 3);
    for (EdwardsPoint torsion : List.of(order8, order4, order2)) {
      for (SignedItem item : valid) {
        SignedItem shifted = withTorsionInR(item, torsion);
        // The cofactorless equation [s]B - [k]A = R fails: this is the case a mixed rule would split on.
        assertThat(satisfiesCofactorlessEquation(shifted)).isFalse();
        assertThat(CofactoredVerification.verifyOne(shifted)).isTrue();
        assertThat(shifted.verify()).as("BouncyCastle's single check").isTrue();
        assertThat(SignatureBatch.allValid(List.of(valid.get(0), shifted, valid.get(1), valid.get(2)))).isTrue();
      }
    }
  }

  @Test
  void anRThatIsItselfOfSmallOrderIsJudgedAlikeByTheSingleAndTheBatchPath() {
    // A dishonest signer may pick R = T of order 1, 2, 4 or 8 and s = k·a: then [s]B - [k]A = 0, and
    // only R's own order decides. Whatever the single check says, the batch must say the same.
    EdwardsPoint order8 = pointOfOrder8();
    List<SignedItem> valid = validItems(new Random(10), 6, 2);
    EdwardsPoint torsion = EdwardsPoint.identity();
    for (int multiple = 0; multiple < 8; multiple++) {
      for (SignedItem item : valid) {
        SignedItem crafted = withSmallOrderR(item, torsion);
        boolean single = crafted.verify();
        assertThat(CofactoredVerification.verifyOne(crafted)).as("%d·T8", multiple).isEqualTo(single);
        assertThat(SignatureBatch.allValid(List.of(valid.get(0), crafted, valid.get(1), valid.get(2))))
            .as("%d·T8 in a batch", multiple).isEqualTo(single);
        BitSet verdicts = SignatureBatch.validity(List.of(valid.get(3), valid.get(4), crafted, valid.get(5)));
        assertThat(verdicts.get(2)).isEqualTo(single);
        assertThat(verdicts.cardinality()).isEqualTo(single ? 4 : 3);
      }
      torsion.add(order8.cached(), false);
    }
  }

  @Test
  void singleAndBatchVerdictsAgreeOnRandomMixesOfGoodCraftedAndBadSignatures() {
    EdwardsPoint torsion = pointOfOrder8();
    Random random = new Random(6);
    for (int round = 0; round < 25; round++) {
      List<SignedItem> items = new ArrayList<>();
      for (SignedItem item : validItems(random, 3 + random.nextInt(20), 1 + random.nextInt(6))) {
        int kind = random.nextInt(6);
        if (kind == 0) {
          item = withTorsionInR(item, torsion);
        } else if (kind == 1) {
          byte[] sig = item.signature().clone();
          sig[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
          item = new SignedItem(item.signer(), item.domain(), item.message(), sig);
        }
        items.add(item);
      }
      BitSet single = new BitSet();
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i).verify()) {
          single.set(i);
        }
        assertThat(CofactoredVerification.verifyOne(items.get(i))).isEqualTo(single.get(i));
      }
      assertThat(SignatureBatch.validity(items)).as("round %d", round).isEqualTo(single);
      assertThat(SignatureBatch.allValid(items)).isEqualTo(single.cardinality() == items.size());
    }
  }

  @Test
  void smallOrderAndMixedOrderPublicKeysAreRefused() {
    EdwardsPoint torsion = pointOfOrder8();
    Ed25519PublicKey honest = Ed25519KeyPair.forTesting(9).publicKey();
    EdwardsPoint a = EdwardsPoint.decode(honest.toBytes(), 0);
    EdwardsPoint mixed = a.copy();
    mixed.add(torsion.cached(), false);
    assertThatThrownBy(() -> Ed25519PublicKey.fromBytes(torsion.encode())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ed25519PublicKey.fromBytes(mixed.encode())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ed25519PublicKey.fromBytes(EdwardsPoint.identity().encode()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nonAdjacentFormsAddUpToTheScalar() {
    Random random = new Random(7);
    for (int w : new int[] {5, 7, 8}) {
      for (int i = 0; i < 200; i++) {
        BigInteger k = i == 0 ? CofactoredVerification.L.subtract(BigInteger.ONE) : new BigInteger(253, random);
        byte[] naf = CofactoredVerification.nonAdjacentForm(k, w);
        BigInteger sum = BigInteger.ZERO;
        int lastNonZero = -w;
        for (int pos = 0; pos < naf.length; pos++) {
          if (naf[pos] != 0) {
            assertThat(naf[pos] % 2).isNotZero();
            assertThat(Math.abs(naf[pos])).isLessThan(1 << (w - 1));
            assertThat(pos - lastNonZero).isGreaterThanOrEqualTo(w);
            lastNonZero = pos;
            sum = sum.add(BigInteger.valueOf(naf[pos]).shiftLeft(pos));
          }
        }
        assertThat(sum).isEqualTo(k);
      }
    }
  }

  private static List<SignedItem> validItems(Random random, int n, int keys) {
    List<Ed25519KeyPair> signers = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      signers.add(Ed25519KeyPair.forTesting(random.nextInt(1000)));
    }
    for (Ed25519KeyPair k : signers) {
      SIGNERS.put(k.publicKey(), secretScalar(k));
    }
    List<SignedItem> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Ed25519KeyPair signer = signers.get(random.nextInt(keys));
      byte[] message = new byte[random.nextInt(100)];
      random.nextBytes(message);
      items.add(new SignedItem(signer.publicKey(), DOMAIN, message, signer.sign(DOMAIN, message)));
    }
    return items;
  }

  /**
   * Re-signs the item's message the way only a dishonest signer would: R = [r]B + T for a torsion
   * point T, s = r + k·a with k hashed over that R. Then [s]B - R - [k]A = -T, zero only after [8].
   */
  private static SignedItem withTorsionInR(SignedItem item, EdwardsPoint torsion) {
    BigInteger a = SIGNERS.get(item.signer());
    BigInteger r = new BigInteger(256, new Random(item.message().length)).mod(CofactoredVerification.L);
    EdwardsPoint bigR = multiply(EdwardsPoint.decode(BASE, 0), r);
    bigR.add(torsion.cached(), false);
    byte[] sig = new byte[64];
    System.arraycopy(bigR.encode(), 0, sig, 0, 32);
    BigInteger k = CofactoredVerification.challenge(item.domain().context(), sig, item.signer().toBytes(),
        item.message(), 0, item.message().length);
    BigInteger s = r.add(k.multiply(a)).mod(CofactoredVerification.L);
    System.arraycopy(EdwardsPoint.reverse(EdwardsPoint.to32(s)), 0, sig, 32, 32);
    return new SignedItem(item.signer(), item.domain(), item.message(), sig);
  }

  /** R = T (small order) and s = k·a, so [s]B - R - [k]A = -T. */
  private static SignedItem withSmallOrderR(SignedItem item, EdwardsPoint torsion) {
    BigInteger a = SIGNERS.get(item.signer());
    byte[] sig = new byte[64];
    System.arraycopy(torsion.encode(), 0, sig, 0, 32);
    BigInteger k = CofactoredVerification.challenge(item.domain().context(), sig, item.signer().toBytes(),
        item.message(), 0, item.message().length);
    System.arraycopy(EdwardsPoint.reverse(EdwardsPoint.to32(k.multiply(a).mod(CofactoredVerification.L))), 0, sig, 32, 32);
    return new SignedItem(item.signer(), item.domain(), item.message(), sig);
  }

  private static boolean satisfiesCofactorlessEquation(SignedItem item) {
    byte[] sig = item.signature();
    BigInteger s = new BigInteger(1, EdwardsPoint.reverse(java.util.Arrays.copyOfRange(sig, 32, 64)));
    BigInteger k = CofactoredVerification.challenge(item.domain().context(), sig, item.signer().toBytes(),
        item.message(), item.offset(), item.length());
    EdwardsPoint sb = multiply(EdwardsPoint.decode(BASE, 0), s);
    sb.add(multiply(EdwardsPoint.decode(item.signer().toBytes(), 0), k).cached(), true);
    return java.util.Arrays.equals(sb.encode(), java.util.Arrays.copyOf(sig, 32));
  }

  /** The secret scalar a (A = [a]B) of a test key: SHA-512 of the seed, pruned (RFC 8032 §5.1.5). */
  private static BigInteger secretScalar(Ed25519KeyPair keys) {
    byte[] h = sha512(keys.privateKeyBytes());
    h[0] &= (byte) 248;
    h[31] &= 127;
    h[31] |= 64;
    return new BigInteger(1, EdwardsPoint.reverse(java.util.Arrays.copyOf(h, 32)));
  }

  /** [L]P for a point P of the full group lies in the torsion subgroup; keep one of order exactly 8. */
  private static EdwardsPoint pointOfOrder8() {
    Random random = new Random(8);
    byte[] bytes = new byte[32];
    while (true) {
      random.nextBytes(bytes);
      EdwardsPoint p = EdwardsPoint.decode(bytes, 0);
      if (p == null) {
        continue;
      }
      EdwardsPoint t = multiply(p, CofactoredVerification.L);
      EdwardsPoint t4 = multiply(t, BigInteger.valueOf(4));
      if (!t4.isIdentity() && multiply(t, BigInteger.valueOf(8)).isIdentity()) {
        return t;
      }
    }
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

  private static EdwardsPoint twice(EdwardsPoint p) {
    EdwardsPoint q = p.copy();
    q.add(p.cached(), false);
    return q;
  }

  private static byte[] sha512(byte[] data) {
    try {
      return java.security.MessageDigest.getInstance("SHA-512").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
