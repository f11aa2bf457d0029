package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.StateChunk;
import dev.bft.crypto.Ed25519KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, item 9 (encoding side): what this node sends must fit the limits its peers decode
 * with. A frame or state chunk over them is our own loud failure, saying what and how big, not a
 * frame every peer silently refuses as TOO_LARGE.
 */
class EncoderLimitsTest {
  static final WireLimits DEFAULTS = WireLimits.defaults();
  final Ed25519KeyPair key = Ed25519KeyPair.forTesting(1);

  @Test
  void aStateChunkOverTheChunkLimitIsRefusedWhenEncoded() {
    MessageEncoder encoder = new MessageEncoder(1, key);
    byte[] big = new byte[DEFAULTS.maxChunkBytes() + 1];
    assertThatThrownBy(() -> encoder.encode(piece(big)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("piece of chunk 3").hasMessageContaining(String.valueOf(big.length))
        .hasMessageContaining(String.valueOf(DEFAULTS.maxChunkBytes()));
    assertThatThrownBy(() -> encoder.encode(new StateChunk(128, new StateChunk.ManifestPage(2, big), 1, null)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("manifest page 2");
    byte[] fits = encoder.encode(piece(new byte[DEFAULTS.maxChunkBytes()]));
    assertThat(fits.length).isGreaterThan(DEFAULTS.maxChunkBytes());
  }

  @Test
  void aFrameOverTheFrameLimitIsRefusedWhenEncoded() {
    MessageEncoder client = new MessageEncoder(1000, Ed25519KeyPair.forTesting(1000));
    Request huge = Request.unsigned(1000, 1, false, new byte[DEFAULTS.maxFrameBytes()]);
    assertThatThrownBy(() -> client.encode(huge)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REQUEST frame of").hasMessageContaining("limit of " + DEFAULTS.maxFrameBytes());
  }

  @Test
  void theLimitsAreTheOnesTheEncoderWasGiven() {
    WireLimits small = new WireLimits(200, 100, 100, 10, 10, 50, 64);
    MessageEncoder encoder = new MessageEncoder(1, key, small);
    assertThatThrownBy(() -> encoder.encode(piece(new byte[51])))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> encoder.encodeReplies(List.of(new Reply(0, 1000, 1, new byte[300], 1, null))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("REPLY frame of");
    byte[] frame = encoder.encode(piece(new byte[50]));
    assertThat(frame.length).isLessThanOrEqualTo(200);
  }

  private static StateChunk piece(byte[] bytes) {
    return new StateChunk(128, new StateChunk.Piece(3, new byte[0], bytes, null), 1, null);
  }
}
