package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.FetchBody;
import dev.bft.core.message.wire.ManifestPageBody;
import dev.bft.core.message.wire.NodeAsk;
import dev.bft.core.message.wire.NodePageBody;
import dev.bft.core.message.wire.PieceAsk;
import dev.bft.core.message.wire.PieceBody;
import dev.bft.core.message.wire.StateBody;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.crypto.SignatureDomain;
import org.junit.jupiter.api.Test;

/**
 * FETCH and STATE come from peers that may be Byzantine: each field is held to what a state could
 * need before anything is allocated for it, and a frame outside is refused with the reason counted.
 * Each hostile frame is signed by its sender, so it is its shape alone that is refused.
 */
class StateBodiesTest {
  final CodecFixture fx = new CodecFixture();

  private Rejection rejected(MessageType type, com.google.protobuf.MessageLite body) {
    DecodeResult r = fx.freshDecoder().decode(signed(type, body.toByteString()));
    assertThat(r).as("%s", body).isInstanceOf(DecodeResult.Rejected.class);
    return ((DecodeResult.Rejected) r).reason();
  }

  private boolean accepted(MessageType type, com.google.protobuf.MessageLite body) {
    return fx.freshDecoder().decode(signed(type, body.toByteString())).accepted();
  }

  private byte[] signed(MessageType type, ByteString body) {
    Envelope template;
    try {
      template = Envelope.parseFrom(fx.encodeAs(2, new FetchState(1, new FetchState.ManifestPage(0), 2, null)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    byte[] signature = fx.replicaKeys[2].sign(SignatureDomain.of(type.code()), body.toByteArray());
    return template.toBuilder().setType(type.code()).setBody(body).setSignature(ByteString.copyFrom(signature)).build()
        .toByteArray();
  }

  private static FetchBody node(int level, int index, int depth) {
    return FetchBody.newBuilder().setSequence(128).setNode(NodeAsk.newBuilder().setLevel(level).setIndex(index)
        .setDepth(depth)).build();
  }

  @Test
  void nodeAsksOutsideAnyTreeOrWiderThanAPageAreRefused() {
    assertThat(rejected(MessageType.FETCH, node(-1, 0, 1))).isEqualTo(Rejection.MALFORMED);
    assertThat(rejected(MessageType.FETCH, node(31, 0, 1))).isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(rejected(MessageType.FETCH, node(3, 8, 1))).as("level 3 has 8 nodes").isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(rejected(MessageType.FETCH, node(0, 0, 9))).as("512 digests").isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(rejected(MessageType.FETCH, node(0, 0, 0))).isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(rejected(MessageType.FETCH, node(25, 0, 6))).as("below level 30").isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(accepted(MessageType.FETCH, node(22, (1 << 22) - 1, 8))).isTrue();
    assertThat(accepted(MessageType.FETCH, node(0, 0, 8))).isTrue();
  }

  @Test
  void pieceAsksWithALongPositionOrAChunkBeyondAnyStateAreRefused() {
    FetchBody.Builder b = FetchBody.newBuilder().setSequence(128);
    byte[] longest = new byte[StateSnapshot.MAX_POSITION_BYTES];
    assertThat(accepted(MessageType.FETCH, b.setPiece(PieceAsk.newBuilder().setChunk(5)
        .setPosition(ByteString.copyFrom(longest))).build())).isTrue();
    assertThat(rejected(MessageType.FETCH, b.setPiece(PieceAsk.newBuilder().setChunk(5)
        .setPosition(ByteString.copyFrom(new byte[longest.length + 1]))).build())).isEqualTo(Rejection.TOO_LARGE);
    assertThat(rejected(MessageType.FETCH, b.setPiece(PieceAsk.newBuilder().setChunk(1 << 30)).build()))
        .isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(rejected(MessageType.FETCH, b.setPiece(PieceAsk.newBuilder().setChunk(-1)).build()))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(rejected(MessageType.FETCH, FetchBody.newBuilder().setSequence(128).setManifestPage(2048).build()))
        .isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    assertThat(rejected(MessageType.FETCH, FetchBody.newBuilder().setSequence(128).build()))
        .as("a FETCH that asks nothing").isEqualTo(Rejection.MISSING_FIELD);
  }

  @Test
  void nodePagesMustCarryExactlyTheirDigests() {
    NodePageBody.Builder page = NodePageBody.newBuilder().setLevel(4).setIndex(3).setDepth(2);
    StateBody.Builder b = StateBody.newBuilder().setSequence(128);
    assertThat(accepted(MessageType.STATE, b.setNode(page.setDigests(ByteString.copyFrom(new byte[4 * 32]))).build()))
        .isTrue();
    for (int size : new int[] {0, 3 * 32, 4 * 32 - 1, 4 * 32 + 1, 5 * 32}) {
      assertThat(rejected(MessageType.STATE, b.setNode(page.setDigests(ByteString.copyFrom(new byte[size]))).build()))
          .as("%d bytes", size).isEqualTo(Rejection.MALFORMED);
    }
    assertThat(rejected(MessageType.STATE, b.setNode(page.setDepth(9).setDigests(ByteString.copyFrom(new byte[512 * 32])))
        .build())).isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
  }

  @Test
  void piecesMustSayWhetherTheyEndAndHoldPositionsAndBytesToTheirLimits() {
    StateBody.Builder b = StateBody.newBuilder().setSequence(128);
    PieceBody.Builder piece = PieceBody.newBuilder().setChunk(3).setBytes(ByteString.copyFrom(new byte[] {1}));
    assertThat(accepted(MessageType.STATE, b.setPiece(piece.clone().setLast(true)).build())).isTrue();
    assertThat(accepted(MessageType.STATE, b.setPiece(piece.clone().setNext(ByteString.copyFrom(new byte[8]))).build()))
        .isTrue();
    assertThat(rejected(MessageType.STATE, b.setPiece(piece.clone()).build()))
        .as("neither last nor a next position").isEqualTo(Rejection.MALFORMED);
    assertThat(rejected(MessageType.STATE, b.setPiece(piece.clone().setLast(true).setNext(ByteString.copyFrom(new byte[8])))
        .build())).as("last, with a next position").isEqualTo(Rejection.MALFORMED);
    assertThat(rejected(MessageType.STATE, b.setPiece(piece.clone()
        .setNext(ByteString.copyFrom(new byte[StateSnapshot.MAX_POSITION_BYTES + 1]))).build()))
        .isEqualTo(Rejection.TOO_LARGE);
    assertThat(rejected(MessageType.STATE, b.setPiece(piece.clone().setLast(true)
        .setPosition(ByteString.copyFrom(new byte[StateSnapshot.MAX_POSITION_BYTES + 1]))).build()))
        .isEqualTo(Rejection.TOO_LARGE);
    assertThat(rejected(MessageType.STATE, b.setPiece(piece.clone().setLast(true)
        .setBytes(ByteString.copyFrom(new byte[WireLimits.defaults().maxChunkBytes() + 1]))).build()))
        .isEqualTo(Rejection.TOO_LARGE);
    assertThat(rejected(MessageType.STATE, b.setManifest(ManifestPageBody.newBuilder().setPage(-1)).build()))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(rejected(MessageType.STATE, StateBody.newBuilder().setSequence(128).build()))
        .as("a STATE that answers nothing").isEqualTo(Rejection.MISSING_FIELD);
  }

  @Test
  void whatTheEncoderMakesTheDecoderTakes() {
    Digest[] four = {Digest.ZERO, Digest.ZERO, Digest.ZERO, Digest.ZERO};
    assertThat(fx.decoder.decode(fx.encodeAs(2, new StateChunk(128, new StateChunk.NodePage(4, 3, 2, four), 2, null)))
        .accepted()).isTrue();
    assertThat(fx.decoder.decode(fx.encodeAs(2, new StateChunk(128, new StateChunk.NodePage(4, 3, 1, four), 2, null)))
        .accepted()).as("four digests for a page of two").isFalse();
  }
}
