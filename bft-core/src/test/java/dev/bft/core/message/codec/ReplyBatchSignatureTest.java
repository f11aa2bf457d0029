package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bft.core.message.Reply;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.ReplyBody;
import dev.bft.core.message.wire.ReplyProofBody;
import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A replica signs the replies of a batch once, over their Merkle root; each reply still stands alone. */
class ReplyBatchSignatureTest {
  final CodecFixture fx = new CodecFixture();

  private static List<Reply> replies(int count, int from) {
    List<Reply> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Reply(2, CodecFixture.CLIENT + (i % 2), 10 + i, new byte[] {(byte) i, 7}, from, null));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8, 33})
  void everyReplyOfABatchDecodesOnItsOwnWithOneSharedSignature(int count) throws Exception {
    List<Reply> sent = replies(count, 1);
    List<byte[]> frames = fx.replica[1].encodeReplies(sent);
    assertThat(frames).hasSize(count);
    for (int i = 0; i < count; i++) {
      DecodeResult r = fx.decoder.decode(frames.get(i), 1);
      assertThat(r.accepted()).as(r.toString()).isTrue();
      Reply got = (Reply) r.message();
      assertThat(got).usingRecursiveComparison().ignoringFields("wire").isEqualTo(sent.get(i));
      assertThat(Envelope.parseFrom(frames.get(i)).getSignature()).isEqualTo(Envelope.parseFrom(frames.get(0)).getSignature());
    }
  }

  @Test
  void aReplyChangedUnderItsProofFailsTheSignature() throws Exception {
    byte[] frame = fx.replica[1].encodeReplies(replies(4, 1)).get(2);
    Envelope env = Envelope.parseFrom(frame);
    ReplyProofBody proof = ReplyProofBody.parseFrom(env.getBody());
    ReplyBody forged = ReplyBody.parseFrom(proof.getReply()).toBuilder().setResult(ByteString.copyFromUtf8("lie")).build();
    byte[] tampered = env.toBuilder().setBody(proof.toBuilder().setReply(forged.toByteString()).build().toByteString())
        .build().toByteArray();
    assertThat(rejection(tampered)).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void aProofMovedToAnotherLeafOrGivenAWrongPathFails() throws Exception {
    byte[] frame = fx.replica[1].encodeReplies(replies(4, 1)).get(1);
    Envelope env = Envelope.parseFrom(frame);
    ReplyProofBody proof = ReplyProofBody.parseFrom(env.getBody());
    assertThat(rejection(withProof(env, proof.toBuilder().setLeafIndex(0).build()))).isEqualTo(Rejection.BAD_SIGNATURE);
    // an index beyond what the path can address
    assertThat(rejection(withProof(env, proof.toBuilder().setLeafIndex(4).build()))).isEqualTo(Rejection.MALFORMED);
    assertThat(rejection(withProof(env, proof.toBuilder().setMerklePath(0, ByteString.copyFrom(new byte[5])).build())))
        .isEqualTo(Rejection.MALFORMED);
    ReplyProofBody.Builder deep = proof.toBuilder();
    for (int i = 0; i < ReplyTree.MAX_DEPTH; i++) {
      deep.addMerklePath(ByteString.copyFrom(new byte[32]));
    }
    assertThat(rejection(withProof(env, deep.build()))).isEqualTo(Rejection.MALFORMED);
  }

  @Test
  void anotherReplicasSignatureDoesNotCoverTheBatch() throws Exception {
    byte[] fromOne = fx.replica[1].encodeReplies(replies(3, 1)).get(0);
    byte[] relabelled = Envelope.parseFrom(fromOne).toBuilder().setSender(2).build().toByteArray();
    assertThat(((DecodeResult.Rejected) fx.decoder.decode(relabelled, 2)).reason()).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void aClientSkipsTheSignatureOfAReplyItNoLongerNeeds() throws Exception {
    byte[] good = fx.replica[1].encodeReplies(replies(2, 1)).get(0);
    byte[] badSignature = Envelope.parseFrom(good).toBuilder().setSignature(ByteString.copyFrom(new byte[64])).build()
        .toByteArray();
    List<Reply> asked = new ArrayList<>();
    DecodeResult unwanted = fx.decoder.decodeReply(badSignature, 1, r -> asked.add(r) && false);
    assertThat(((DecodeResult.Rejected) unwanted).reason()).isEqualTo(Rejection.UNWANTED); // not BAD_SIGNATURE: never checked
    assertThat(asked).extracting(Reply::requestNumber).containsExactly(10L);
    assertThat(((DecodeResult.Rejected) fx.decoder.decodeReply(badSignature, 1, r -> true)).reason())
        .isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(fx.decoder.decodeReply(good, 1, r -> true).accepted()).isTrue();
    assertThat(((DecodeResult.Rejected) fx.decoder.decodeReply(good, 2, r -> true)).reason()).isEqualTo(Rejection.WRONG_SENDER);
    byte[] prepare = fx.replica[1].encode(new dev.bft.core.message.Prepare(0, 1, Digest.ZERO, 1, null));
    // not a reply: never wanted, so never verified
    assertThat(((DecodeResult.Rejected) fx.decoder.decodeReply(prepare, 1, r -> true)).reason()).isEqualTo(Rejection.UNWANTED);
  }

  @Test
  void allPathsAgreeWithTheOnePathConstruction() {
    Digest[] leaves = new Digest[16];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = Digest.sha256(new byte[] {(byte) i});
    }
    List<List<Digest>> all = MerkleTree.allPaths(leaves);
    for (int i = 0; i < leaves.length; i++) {
      assertThat(all.get(i)).isEqualTo(MerkleTree.path(leaves, i));
      assertThat(MerkleTree.verify(MerkleTree.root(leaves), leaves[i], i, all.get(i))).isTrue();
    }
  }

  private static byte[] withProof(Envelope env, ReplyProofBody proof) {
    return env.toBuilder().setBody(proof.toByteString()).build().toByteArray();
  }

  private Rejection rejection(byte[] frame) {
    DecodeResult r = fx.decoder.decode(frame, 1);
    assertThat(r.accepted()).as("expected a rejection").isFalse();
    return ((DecodeResult.Rejected) r).reason();
  }

}
