package dev.bft.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ParallelVerifierTest {
  static final Ed25519KeyPair[] KEYS = {Ed25519KeyPair.forTesting(1), Ed25519KeyPair.forTesting(2),
      Ed25519KeyPair.forTesting(3)};
  static final SignatureDomain DOMAIN = SignatureDomain.of(3);

  /** A mix of valid items and items spoiled in one of four ways; the batch must agree with one-by-one verify. */
  @Property(tries = 40)
  void agreesWithSingleVerification(@ForAll @IntRange(min = 0, max = 60) int size, @ForAll long seed,
                                    @ForAll @IntRange(min = 1, max = 3) int threads) {
    Random random = new Random(seed);
    List<SignedItem> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Ed25519KeyPair k = KEYS[random.nextInt(KEYS.length)];
      byte[] msg = new byte[1 + random.nextInt(100)];
      random.nextBytes(msg);
      byte[] sig = k.sign(DOMAIN, msg);
      Ed25519PublicKey signer = k.publicKey();
      SignatureDomain domain = DOMAIN;
      switch (random.nextInt(5)) {
        case 0 -> sig[random.nextInt(sig.length)] ^= 1;
        case 1 -> msg[random.nextInt(msg.length)] ^= 1;
        case 2 -> signer = KEYS[(java.util.Arrays.asList(KEYS).indexOf(k) + 1) % KEYS.length].publicKey();
        case 3 -> domain = SignatureDomain.of(4);
        default -> { }
      }
      items.add(new SignedItem(signer, domain, msg, sig));
    }
    try (ParallelVerifier verifier = new ParallelVerifier(threads)) {
      BitSet batch = verifier.verifyAll(items);
      for (int i = 0; i < size; i++) {
        assertThat(batch.get(i)).as("item %d", i).isEqualTo(items.get(i).verify());
      }
    }
  }
}
