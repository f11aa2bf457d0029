package dev.bft.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The R hint (SignedItem#rX): what one check learns of R spares the next verifier a square root,
 * and no hint, right or wrong, changes a verdict.
 */
class RHintTest {
  private static final SignatureDomain DOMAIN = SignatureDomain.of(1);

  @Test
  void aCheckReportsTheXOfEachRAndTheHintDecodesToTheSamePoint() {
    List<SignedItem> items = signed(new Random(1), 8);
    byte[][] rX = new byte[items.size()][];
    assertThat(SignatureBatch.validity(items, new VerificationTally(), rX).cardinality()).isEqualTo(8);
    for (int i = 0; i < items.size(); i++) {
      byte[] sig = items.get(i).signature();
      assertThat(rX[i]).hasSize(32);
      EdwardsPoint hinted = EdwardsPoint.decodeWithX(sig, 0, rX[i]);
      assertThat(hinted).as("item %d", i).isNotNull();
      assertThat(hinted.encode()).isEqualTo(EdwardsPoint.decode(sig, 0).encode());
      assertThat(hinted.encode()).isEqualTo(java.util.Arrays.copyOf(sig, 32));
    }
  }

  @Test
  void aBatchSettledOneByOneReportsNoHints() {
    List<SignedItem> items = signed(new Random(2), 4);
    byte[] forged = items.get(2).signature().clone();
    forged[40] ^= 1;
    items.set(2, new SignedItem(items.get(2).signer(), DOMAIN, items.get(2).message(), forged));
    byte[][] rX = new byte[items.size()][];
    BitSet valid = SignatureBatch.validity(items, new VerificationTally(), rX);
    assertThat(valid.cardinality()).isEqualTo(3);
    assertThat(java.util.Arrays.asList(rX)).containsOnlyNulls();
  }

  @Test
  void everyWrongHintIsRefusedAndChangesNoVerdict() {
    List<SignedItem> items = signed(new Random(3), 6);
    byte[][] rX = hints(items);
    byte[] otherX = rX[1];
    List<UnaryOperator<byte[]>> wrongs = List.of(
        x -> negate(x),                                   // the other root: wrong parity
        x -> otherX,                                      // another point's x
        x -> flip(x, 0, 2),                               // right parity, off the curve
        x -> { byte[] y = x.clone(); y[31] |= (byte) 0x80; return y; }, // bit 255 set
        x -> java.util.Arrays.copyOf(x, 31),              // wrong length
        x -> new byte[32]);                               // x = 0
    for (int w = 0; w < wrongs.size(); w++) {
      List<SignedItem> hinted = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        byte[] hint = i == 1 ? rX[i] : wrongs.get(w).apply(rX[i]);
        if (i != 1) {
          assertThat(EdwardsPoint.decodeWithX(items.get(i).signature(), 0, hint)).as("wrong hint %d, item %d", w, i).isNull();
        }
        hinted.add(items.get(i).withRX(hint));
      }
      assertThat(SignatureBatch.allValid(hinted)).as("wrong hint %d", w).isTrue();
      assertThat(CofactoredVerification.verifyOne(hinted.get(0))).isTrue();
    }
  }

  @Test
  void aRightHintDoesNotRescueABadSignature() {
    List<SignedItem> items = signed(new Random(4), 5);
    byte[][] rX = hints(items);
    List<SignedItem> hinted = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      hinted.add(items.get(i).withRX(rX[i]));
    }
    SignedItem good = hinted.get(3);
    byte[] otherMessage = good.message().clone();
    otherMessage[0] ^= 1;
    hinted.set(3, new SignedItem(good.signer(), DOMAIN, otherMessage, 0, otherMessage.length, good.signature(), good.rX()));
    assertThat(SignatureBatch.allValid(hinted)).isFalse();
    assertThat(SignatureBatch.validity(hinted).cardinality()).isEqualTo(4);
    assertThat(SignatureBatch.validity(hinted).get(3)).isFalse();
    assertThat(CofactoredVerification.verifyOne(hinted.get(3))).isFalse();
  }

  private static List<SignedItem> signed(Random random, int n) {
    List<SignedItem> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Ed25519KeyPair key = Ed25519KeyPair.forTesting(100 + i);
      byte[] m = new byte[64];
      random.nextBytes(m);
      items.add(new SignedItem(key.publicKey(), DOMAIN, m, key.sign(DOMAIN, m)));
    }
    return items;
  }

  private static byte[][] hints(List<SignedItem> items) {
    byte[][] rX = new byte[items.size()][];
    assertThat(SignatureBatch.validity(items, new VerificationTally(), rX).cardinality()).isEqualTo(items.size());
    return rX;
  }

  /** p - x, little-endian. */
  private static byte[] negate(byte[] x) {
    BigInteger v = new BigInteger(1, EdwardsPoint.reverse(x));
    return EdwardsPoint.reverse(EdwardsPoint.to32(EdwardsPoint.P.subtract(v)));
  }

  private static byte[] flip(byte[] x, int index, int bit) {
    byte[] y = x.clone();
    y[index] ^= (byte) (1 << bit);
    return y;
  }
}
