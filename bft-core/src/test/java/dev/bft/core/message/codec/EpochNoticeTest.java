package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.Reconfiguration;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.protocol.StateDigests;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EPOCH-NOTICE proves itself to a holder of the epoch before: 2f + 1 of that epoch's replicas
 * signed the start, and the start is bound to exactly the configuration the notice carries; a
 * notice short of either, of another epoch, or cut short proves nothing.
 */
class EpochNoticeTest {
  static final long START = 128;

  @TempDir
  Path dir;

  ClusterConfig epoch0;
  ClusterConfig epoch1;
  Digest ordinary = Digest.sha256(new byte[] {42});
  Digest state;

  @BeforeEach
  void cluster() throws Exception {
    epoch0 = ClusterFile.load(ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 7000, false, new SecureRandom()));
    epoch1 = next(epoch0, 1500);
    state = StateDigests.epoch(ordinary, Configurations.digest(epoch1));
  }

  private static ClusterConfig next(ClusterConfig c, int client) {
    return new Reconfiguration(c.epoch(), List.of(new Reconfiguration.AddClient(client,
        Ed25519KeyPair.generate(new SecureRandom()).publicKey())), List.of()).applyTo(c);
  }

  private byte[] checkpoint(int replica, long sequence, Digest digest) throws Exception {
    return new MessageEncoder(replica, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, replica)))
        .encode(new Checkpoint(sequence, digest, replica, null));
  }

  private List<byte[]> proof(int... replicas) throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (int r : replicas) {
      out.add(checkpoint(r, START, state));
    }
    return out;
  }

  private EpochNotice notice(ClusterConfig carried, List<byte[]> proof) {
    return new EpochNotice(Configurations.encode(carried), START, state, ordinary, proof);
  }

  @Test
  void aNoticeSignedByTwoFPlusOneBoundToItsConfigurationProvesTheNextEpoch() throws Exception {
    byte[] frame = notice(epoch1, proof(0, 2, 3)).encode();
    assertThat(EpochNotice.is(frame)).isTrue();
    assertThat(EpochNotice.is(checkpoint(0, START, state))).as("no envelope looks like one").isFalse();

    ClusterConfig proven = EpochNotice.decode(frame).verify(epoch0);
    assertThat(proven.epoch()).isEqualTo(1);
    assertThat(proven.clients()).containsKey(1500);
    assertThat(proven.start().sequence()).isEqualTo(START);
    assertThat(proven.start().state()).isEqualTo(state);
    assertThat(Configurations.digest(proven)).isEqualTo(Configurations.digest(epoch1));
  }

  @Test
  void aNoticeShortOfSignaturesOrBindingOrOfAnotherEpochProvesNothing() throws Exception {
    assertThatThrownBy(() -> notice(epoch1, proof(0, 1)).verify(epoch0))
        .hasMessage("2 replicas of epoch 0 signed its start; 3 must");
    assertThatThrownBy(() -> notice(epoch1, proof(1, 1, 1)).verify(epoch0)).as("one replica three times")
        .hasMessage("1 replicas of epoch 0 signed its start; 3 must");
    List<byte[]> elsewhere = List.of(checkpoint(0, START + 128, state), checkpoint(1, START + 128, state),
        checkpoint(2, START + 128, state));
    assertThatThrownBy(() -> notice(epoch1, elsewhere).verify(epoch0)).as("another checkpoint's")
        .hasMessageContaining("0 replicas");
    assertThatThrownBy(() -> notice(next(epoch0, 1600), proof(0, 1, 2)).verify(epoch0))
        .as("a liar's configuration beside a true proof").hasMessage("its start is not bound to the configuration it carries");
    assertThatThrownBy(() -> notice(epoch1, proof(0, 1, 2)).verify(epoch1))
        .hasMessage("it announces epoch 1 to a holder of epoch 1");
    assertThatThrownBy(() -> notice(epoch1, proof(0, 1, 2, 3, 0)).verify(epoch0)).as("more than n to check")
        .hasMessage("it carries 5 CHECKPOINTs; epoch 0 has 4 replicas");
  }

  @Test
  void aFrameCutShortOrClaimingMoreThanItHoldsIsRefused() throws Exception {
    byte[] frame = notice(epoch1, proof(0, 1, 2)).encode();
    assertThatThrownBy(() -> EpochNotice.decode(java.util.Arrays.copyOf(frame, frame.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] huge = frame.clone();
    huge[6] = 0x7f; // the configuration's length: far more than the frame holds
    assertThatThrownBy(() -> EpochNotice.decode(huge)).hasMessageContaining("bytes left");
  }
}
