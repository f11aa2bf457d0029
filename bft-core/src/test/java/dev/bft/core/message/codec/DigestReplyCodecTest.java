package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.Reply;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.ReplyBody;
import dev.bft.core.message.wire.ReplyProofBody;
import dev.bft.crypto.Digest;
import dev.bft.crypto.SignatureDomain;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A REPLY that carries the digest of its result (ReplyBody.result_digest) instead of the result:
 * it round-trips under the reply tree's one signature, and a body that says two things at once
 * (a digest beside a result or a refusal) or a digest of the wrong length is refused.
 */
class DigestReplyCodecTest {
  final CodecFixture fx = new CodecFixture();
  static final byte[] RESULT = new byte[3000];

  static {
    java.util.Arrays.fill(RESULT, (byte) 5);
  }

  @Test
  void aDigestReplyRoundTripsBesideFullOnesUnderOneSignature() throws Exception {
    Reply byDigest = Reply.digestOnly(2, CodecFixture.CLIENT, 10, Reply.digestOf(RESULT), 1);
    Reply inFull = new Reply(2, CodecFixture.CLIENT + 1, 11, RESULT, 1, null);
    List<byte[]> frames = fx.replica[1].encodeReplies(List.of(byDigest, inFull));
    Reply got = (Reply) accepted(frames.get(0));
    assertThat(got.digestOnly()).isTrue();
    assertThat(got.resultDigest()).isEqualTo(Reply.digestOf(RESULT));
    assertThat(got.result()).isEmpty();
    assertThat(got).usingRecursiveComparison().ignoringFields("wire").isEqualTo(byDigest);
    Reply full = (Reply) accepted(frames.get(1));
    assertThat(full.digestOnly()).isFalse();
    assertThat(full.result()).isEqualTo(RESULT);
    assertThat(full.digestOfResult()).as("what the client groups a full reply by").isEqualTo(got.resultDigest());
    assertThat(ReplyBody.parseFrom(ReplyProofBody.parseFrom(Envelope.parseFrom(frames.get(1)).getBody()).getReply())
        .getResultDigest()).as("a full reply's body is what it was before digests existed").isEmpty();
  }

  @Test
  void aDigestChangedUnderTheReplyTreeFailsTheSignature() throws Exception {
    byte[] frame = fx.replica[1].encodeReplies(List.of(Reply.digestOnly(2, CodecFixture.CLIENT, 10, Reply.digestOf(RESULT), 1)))
        .get(0);
    Envelope env = Envelope.parseFrom(frame);
    ReplyProofBody proof = ReplyProofBody.parseFrom(env.getBody());
    ReplyBody forged = ReplyBody.parseFrom(proof.getReply()).toBuilder()
        .setResultDigest(ByteString.copyFrom(Reply.digestOf(new byte[] {1}).bytesUnsafe())).build();
    byte[] tampered = env.toBuilder().setBody(proof.toBuilder().setReply(forged.toByteString()).build().toByteString())
        .build().toByteArray();
    assertThat(rejection(tampered)).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void aDigestBesideAResultOrARefusalIsMalformedEvenWhenSigned() {
    ByteString digest = ByteString.copyFrom(Reply.digestOf(RESULT).bytesUnsafe());
    ReplyBody.Builder base = ReplyBody.newBuilder().setView(2).setClient(CodecFixture.CLIENT).setRequestNumber(10);
    assertThat(rejection(signedReply(1, base.clone().setResult(ByteString.copyFrom(RESULT)).setResultDigest(digest).build())))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(rejection(signedReply(1, base.clone().setLaterExecuted(12).setResultDigest(digest).build())))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(fx.decoder.decode(signedReply(1, base.clone().setResultDigest(digest).build()), 1).accepted())
        .as("the same body with the digest alone is fine: the refusals above are for what was added").isTrue();
  }

  @Test
  void aDigestOfAnyLengthButThirtyTwoBytesIsRefused() {
    ReplyBody.Builder base = ReplyBody.newBuilder().setView(2).setClient(CodecFixture.CLIENT).setRequestNumber(10);
    for (int length : new int[] {1, 31, 33, 64}) {
      assertThat(rejection(signedReply(1, base.clone().setResultDigest(ByteString.copyFrom(new byte[length])).build())))
          .as("%d bytes", length).isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    }
  }

  @Test
  void theResultDigestHasItsOwnDomainTag() {
    assertThat(Reply.digestOf(RESULT)).isNotEqualTo(Digest.sha256(RESULT));
    assertThat(Reply.digestOf(RESULT)).isEqualTo(Digest.sha256(new byte[] {'O'}, RESULT));
  }

  @Test
  void aReplyThatWouldSayTwoThingsCannotBeBuilt() {
    Digest d = Reply.digestOf(RESULT);
    assertThatThrownBy(() -> new Reply(2, CodecFixture.CLIENT, 10, RESULT, 1, null, 0, d))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reply(2, CodecFixture.CLIENT, 10, new byte[0], 1, null, 12, d))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.staleRefusal(2, CodecFixture.CLIENT, 10, 12, 1).asDigest())
        .as("a refusal is never a digest reply").isInstanceOf(IllegalStateException.class);
  }

  /** {@code body} as replica {@code sender} would send it: a tree of one leaf, its root signed. */
  private byte[] signedReply(int sender, ReplyBody body) {
    ReplyTree.Signed tree = ReplyTree.build(List.of(body.toByteArray()));
    byte[] signature = fx.replicaKeys[sender].sign(SignatureDomain.of(MessageType.REPLY.code()), tree.root().bytesUnsafe());
    return Envelope.newBuilder().setVersion(1).setSender(sender).setType(MessageType.REPLY.code())
        .setBody(ByteString.copyFrom(tree.proofBodies().get(0))).setSignature(ByteString.copyFrom(signature))
        .build().toByteArray();
  }

  private dev.bft.core.message.Message accepted(byte[] frame) {
    DecodeResult r = fx.decoder.decode(frame, 1);
    assertThat(r.accepted()).as(r.toString()).isTrue();
    return r.message();
  }

  private Rejection rejection(byte[] frame) {
    DecodeResult r = fx.decoder.decode(frame, 1);
    assertThat(r.accepted()).as("expected a rejection").isFalse();
    return ((DecodeResult.Rejected) r).reason();
  }
}
