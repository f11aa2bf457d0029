package dev.bft.core.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OM and SM messages through their wire types; a whole OM(1) run carried over the wire. */
class AgreementCodecTest {
  static final Ed25519KeyPair[] KEYS = {Ed25519KeyPair.forTesting(0), Ed25519KeyPair.forTesting(1),
      Ed25519KeyPair.forTesting(2), Ed25519KeyPair.forTesting(3)};
  static final Map<Integer, Ed25519PublicKey> PUBLIC = new HashMap<>();

  static {
    for (int i = 0; i < KEYS.length; i++) {
      PUBLIC.put(i, KEYS[i].publicKey());
    }
  }

  final AgreementCodec codec = new AgreementCodec(PUBLIC);

  @Test
  void oralMessagesRoundTripAndForgeriesAreRefused() {
    OralMessage m = new OralMessage(List.of(0, 2), "attack", 3);
    byte[] frame = AgreementCodec.encode(m, KEYS[2]);
    assertThat(codec.decodeOral(frame, 3)).contains(m);
    assertThat(codec.decodeOral(AgreementCodec.encode(m, KEYS[1]), 3)).as("signed by another general").isEmpty();
    byte[] flipped = frame.clone();
    flipped[flipped.length - 70] ^= 1;
    assertThat(codec.decodeOral(flipped, 3)).isEmpty();
    assertThat(codec.decodeOral(new byte[] {1, 2, 3}, 3)).isEmpty();
    assertThat(codec.decodeSigned(frame, 3)).as("an oral message is not a signed order").isEmpty();
  }

  @Test
  void signedOrdersKeepTheirChains() {
    var chain = OrderSignatures.extend("retreat", List.of(), 0, KEYS[0]);
    chain = OrderSignatures.extend("retreat", chain, 1, KEYS[1]);
    SignedOrder order = new SignedOrder("retreat", chain, 2);
    SignedOrder back = codec.decodeSigned(AgreementCodec.encode(order, KEYS[1]), 2).orElseThrow();
    assertThat(back.signers()).containsExactly(0, 1);
    assertThat(new OrderSignatures(PUBLIC).valid(back)).isTrue();
  }

  @Test
  void anOmRunCarriedOverTheWireDecidesAsInMemory() {
    List<OralGeneral> generals = new ArrayList<>();
    generals.add(OralGeneral.commander(0, 4, 1, "attack"));
    for (int i = 1; i < 4; i++) {
      generals.add(OralGeneral.lieutenant(i, 4, 1, 0));
    }
    // Each general's round sees only what survived encode -> sign -> decode -> verify.
    List<General<OralMessage>> wired = new ArrayList<>();
    for (OralGeneral g : generals) {
      wired.add(new General<>() {
        @Override
        public int id() {
          return g.id();
        }

        @Override
        public List<OralMessage> round(int round, List<OralMessage> received) {
          List<OralMessage> decoded = new ArrayList<>();
          for (OralMessage m : received) {
            codec.decodeOral(AgreementCodec.encode(m, KEYS[m.from()]), g.id()).ifPresent(decoded::add);
          }
          return g.round(round, decoded);
        }

        @Override
        public String decision() {
          return g.decision();
        }
      });
    }
    RoundRunner.Run<OralMessage> run = RoundRunner.run(wired, 2, RoundNetwork.RELIABLE);
    assertThat(run.decisions().values()).containsOnly("attack").hasSize(3);
  }
}
