package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Hello;
import dev.bft.core.message.wire.Envelope;
import dev.bft.crypto.Digest;
import org.junit.jupiter.api.Test;

/**
 * Every message is signed in its configuration epoch (docs/reconfiguration.md): a receiver of
 * another epoch refuses it before any signature check, and rewriting the envelope's epoch does not
 * make it verify, so nothing signed in an old epoch can be replayed into a new one. A HELLO names a
 * key, not an epoch, so links form between replicas of different epochs.
 */
class EpochSignatureTest {
  final CodecFixture fx = new CodecFixture();

  private byte[] checkpointSignedIn(long epoch) {
    MessageEncoder replica2 = new MessageEncoder(2, fx.replicaKeys[2], WireLimits.defaults(), epoch);
    return replica2.encode(new Checkpoint(8, Digest.sha256(new byte[] {8}), 2, null));
  }

  private static Rejection reason(DecodeResult r) {
    return r instanceof DecodeResult.Rejected rej ? rej.reason() : null;
  }

  @Test
  void aMessageVerifiesInItsOwnEpochOnly() {
    byte[] epoch1 = checkpointSignedIn(1);

    assertThat(fx.inEpoch(1).decode(epoch1).accepted()).isTrue();
    assertThat(reason(fx.inEpoch(0).decode(epoch1))).isEqualTo(Rejection.WRONG_EPOCH);
    assertThat(reason(fx.inEpoch(2).decode(epoch1))).isEqualTo(Rejection.WRONG_EPOCH);
    assertThat(fx.inEpoch(0).decode(checkpointSignedIn(0)).accepted()).as("epoch 0 as before epochs existed").isTrue();
  }

  @Test
  void anEnvelopeThatLiesAboutItsEpochFailsItsSignature() throws Exception {
    byte[] replayed = Envelope.parseFrom(checkpointSignedIn(1)).toBuilder().setEpoch(2).build().toByteArray();
    assertThat(reason(fx.inEpoch(2).decode(replayed))).isEqualTo(Rejection.BAD_SIGNATURE);
    byte[] backdated = Envelope.parseFrom(checkpointSignedIn(1)).toBuilder().setEpoch(0).build().toByteArray();
    assertThat(reason(fx.inEpoch(0).decode(backdated))).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void aHelloFormsALinkAcrossEpochs() {
    MessageEncoder inEpoch3 = new MessageEncoder(1, fx.replicaKeys[1], WireLimits.defaults(), 3);
    byte[] hello = inEpoch3.encode(new Hello(1, 0, new byte[32], new byte[32], null));
    assertThat(fx.inEpoch(0).decode(hello).accepted()).isTrue();
  }
}
