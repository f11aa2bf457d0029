package dev.bft.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SignatureTest {
  final Ed25519KeyPair alice = Ed25519KeyPair.forTesting(1);
  final Ed25519KeyPair bob = Ed25519KeyPair.forTesting(2);
  final SignatureDomain prepare = SignatureDomain.of(3);
  final SignatureDomain commit = SignatureDomain.of(4);
  final byte[] message = "prepare v=0 s=7".getBytes(StandardCharsets.UTF_8);

  @Test
  void aSignatureVerifiesUnderItsKeyDomainAndMessage() {
    byte[] sig = alice.sign(prepare, message);
    assertThat(alice.publicKey().verify(prepare, message, sig)).isTrue();
  }

  @Test
  void tamperedMessageSignatureOrKeyIsRejected() {
    byte[] sig = alice.sign(prepare, message);
    byte[] otherMessage = message.clone();
    otherMessage[3] ^= 1;
    byte[] otherSig = sig.clone();
    otherSig[10] ^= 1;
    assertThat(alice.publicKey().verify(prepare, otherMessage, sig)).isFalse();
    assertThat(alice.publicKey().verify(prepare, message, otherSig)).isFalse();
    assertThat(bob.publicKey().verify(prepare, message, sig)).isFalse();
    assertThat(alice.publicKey().verify(prepare, message, new byte[12])).as("wrong length").isFalse();
    assertThat(alice.publicKey().verify(prepare, message, null)).isFalse();
  }

  @Test
  void aSignatureForOneMessageTypeIsNotValidForAnother() {
    byte[] sig = alice.sign(prepare, message);
    assertThat(alice.publicKey().verify(commit, message, sig)).isFalse();
  }

  @Test
  void signingIsDeterministicSoAReSignedMessageHasTheSameBytes() {
    assertThat(alice.sign(prepare, message)).isEqualTo(alice.sign(prepare, message));
  }

  @Test
  void verifyOverASliceChecksOnlyThatSlice() {
    byte[] framed = new byte[message.length + 10];
    System.arraycopy(message, 0, framed, 5, message.length);
    byte[] sig = alice.sign(prepare, framed, 5, message.length);
    assertThat(alice.publicKey().verify(prepare, message, sig)).isTrue();
    assertThat(alice.publicKey().verify(prepare, framed, 5, message.length, sig)).isTrue();
    assertThat(alice.publicKey().verify(prepare, framed, 4, message.length, sig)).isFalse();
    assertThat(alice.publicKey().verify(prepare, framed, 20, message.length, sig)).as("out of bounds").isFalse();
  }

  @Test
  void publicKeysDecodeOnlyFromValidPoints() {
    assertThat(Ed25519PublicKey.fromHex(alice.publicKey().toHex())).isEqualTo(alice.publicKey());
    assertThatThrownBy(() -> Ed25519PublicKey.fromBytes(new byte[31])).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> Ed25519PublicKey.fromHex("zz")).hasMessageContaining("not hex");
    byte[] notAPoint = new byte[32];
    notAPoint[0] = 2; // y = 2 has no x on the curve
    assertThatThrownBy(() -> Ed25519PublicKey.fromBytes(notAPoint)).hasMessageContaining("not a point");
  }

  @Test
  void generatedKeysAreDistinctAndWork() {
    SecureRandom random = new SecureRandom();
    Ed25519KeyPair a = Ed25519KeyPair.generate(random);
    Ed25519KeyPair b = Ed25519KeyPair.generate(random);
    assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
    assertThat(a.publicKey().verify(prepare, message, a.sign(prepare, message))).isTrue();
  }

  @Test
  void domainsAreDistinctPerTypeAndRangeChecked() {
    assertThat(SignatureDomain.of(3)).isEqualTo(prepare).isNotEqualTo(commit);
    assertThatThrownBy(() -> SignatureDomain.of(70000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void digestsHaveValueEquality() {
    Digest a = Digest.sha256(message);
    assertThat(Digest.of(a.toBytes())).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(Digest.sha256(new byte[] {1})).isNotEqualTo(a);
    assertThat(a.toHex()).hasSize(64);
    assertThat(Digest.sha256(message, 0, message.length)).isEqualTo(a);
    assertThatThrownBy(() -> Digest.of(new byte[5])).isInstanceOf(IllegalArgumentException.class);
  }
}
