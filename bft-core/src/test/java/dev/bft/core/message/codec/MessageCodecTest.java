package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.Commit;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.Hello;
import dev.bft.core.message.Message;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.Status;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.PrepareBody;
import dev.bft.core.message.wire.RequestBody;
import dev.bft.crypto.Digest;
import dev.bft.crypto.SignatureDomain;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  final CodecFixture fx = new CodecFixture();

  private Message roundTrip(int sender, Message m) {
    DecodeResult r = fx.decoder.decode(fx.encodeAs(sender, m), sender);
    assertThat(r.accepted()).as(r.toString()).isTrue();
    return r.message();
  }

  @Test
  void everyReplicaMessageRoundTrips() {
    PrePrepare pp = fx.prePrepare(3, 9);
    assertThat(pp.batch().requests()).extracting(Request::requestNumber).containsExactly(1L, 2L);
    assertThat(pp.batch().timestamp()).isEqualTo(42);
    assertThat(pp.sender()).isEqualTo(3);

    Prepare p = (Prepare) roundTrip(1, new Prepare(3, 9, pp.digest(), 1, null));
    assertThat(p).usingRecursiveComparison().ignoringFields("wire").isEqualTo(new Prepare(3, 9, pp.digest(), 1, null));
    Commit c = (Commit) roundTrip(2, new Commit(3, 9, pp.digest(), 2, null));
    assertThat(c.digest()).isEqualTo(pp.digest());
    Reply reply = (Reply) roundTrip(0, new Reply(3, 1000, 7, new byte[] {1, 2}, 0, null));
    assertThat(reply.result()).containsExactly(1, 2);
    assertThat(reply.clientId()).isEqualTo(1000);
    assertThat(reply.refusal()).isFalse();
    Reply refusal = (Reply) roundTrip(0, Reply.staleRefusal(3, 1000, 7, 12, 0));
    assertThat(refusal.refusal()).isTrue();
    assertThat(refusal.laterExecuted()).isEqualTo(12);
    assertThat(refusal.requestNumber()).isEqualTo(7);
    Status s = (Status) roundTrip(2, new Status(3, 8, 2, null));
    assertThat(s.retransmitAbove()).isEqualTo(8);
    FetchState f = (FetchState) roundTrip(1, new FetchState(128, new FetchState.NodePage(8, 3, 8), 1, null));
    assertThat(f.ask()).isEqualTo(new FetchState.NodePage(8, 3, 8));
    FetchState piece = (FetchState) roundTrip(1, new FetchState(128, new FetchState.Piece(7, new byte[] {1, 2}), 1, null));
    assertThat(((FetchState.Piece) piece.ask()).position()).containsExactly(1, 2);
    assertThat(((FetchState) roundTrip(1, new FetchState(128, new FetchState.ManifestPage(3), 1, null))).ask())
        .isEqualTo(new FetchState.ManifestPage(3));
    Digest[] two = {Digest.sha256(new byte[] {1}), Digest.sha256(new byte[] {2})};
    StateChunk nodes = (StateChunk) roundTrip(1, new StateChunk(128, new StateChunk.NodePage(3, 5, 1, two), 1, null));
    assertThat(((StateChunk.NodePage) nodes.answer()).digests()).containsExactly(two);
    StateChunk more = (StateChunk) roundTrip(1,
        new StateChunk(128, new StateChunk.Piece(7, new byte[0], new byte[] {9}, new byte[] {0, 1}), 1, null));
    assertThat(((StateChunk.Piece) more.answer()).next()).containsExactly(0, 1);
    StateChunk last = (StateChunk) roundTrip(1,
        new StateChunk(128, new StateChunk.Piece(7, new byte[] {0, 1}, new byte[] {9}, null), 1, null));
    assertThat(((StateChunk.Piece) last.answer()).last()).isTrue();
    assertThat(((StateChunk.Piece) last.answer()).bytes()).containsExactly(9);
    StateChunk page = (StateChunk) roundTrip(1, new StateChunk(128, new StateChunk.ManifestPage(0, new byte[] {4}), 1, null));
    assertThat(((StateChunk.ManifestPage) page.answer()).bytes()).containsExactly(4);
    Hello h = (Hello) roundTrip(2, new Hello(2, 3, new byte[] {5, 6}, new byte[] {7}, null));
    assertThat(h.nonce()).containsExactly(5, 6);
    assertThat(h.peer()).isEqualTo(3);
    assertThat(h.ownNonce()).containsExactly(7);
    FetchBatch fb = (FetchBatch) roundTrip(2, new FetchBatch(9, pp.digest(), 2, null));
    assertThat(fb.digest()).isEqualTo(pp.digest());
    BatchReply br = (BatchReply) roundTrip(1, new BatchReply(9, pp.batch(), 1, null));
    assertThat(br.batch().digest()).isEqualTo(pp.digest());
    assertThat(br.batch().requests()).extracting(Request::requestNumber).containsExactly(1L, 2L);
  }

  @Test
  void certificatesAreForwardedByteForByteAsTheirSignersSignedThem() {
    ViewChange vc = fx.viewChange(3);
    ViewChange decoded = (ViewChange) roundTrip(3, vc);
    assertThat(decoded.checkpointProof()).hasSize(3);
    assertThat(decoded.prepared()).singleElement().satisfies(cert -> {
      assertThat(cert.prePrepare().wire().body()).isEqualTo(vc.prepared().get(0).prePrepare().wire().body());
      assertThat(cert.prepares().get(1).wire().signature()).isEqualTo(vc.prepared().get(0).prepares().get(1).wire().signature());
      assertThat(cert.prePrepare().digest()).isEqualTo(vc.prepared().get(0).prePrepare().digest());
    });
    // Relayed again inside a NEW-VIEW by replica 1, the VIEW-CHANGE of replica 3 keeps its bytes.
    NewView nv = (NewView) roundTrip(1, new NewView(1, List.of(decoded, fx.receivedViewChange(0), fx.receivedViewChange(2)),
        List.of(), 1, null));
    assertThat(nv.viewChanges().get(0).wire().body()).isEqualTo(decoded.wire().body());
    assertThat(nv.viewChanges().get(0).sender()).isEqualTo(3);
  }

  @Test
  void ownEmbeddedMessagesAreSignedAndOthersMustKeepTheirBytes() {
    PrePrepare pp = fx.prePrepare(0, 5);
    Prepare ownUnsigned = new Prepare(0, 5, pp.digest(), 3, null);
    ViewChange vc = new ViewChange(1, 0, List.of(), List.of(new dev.bft.core.message.PreparedProof(pp,
        List.of(fx.prepare(pp, 1), ownUnsigned))), 3, null);
    ViewChange decoded = (ViewChange) roundTrip(3, vc);
    assertThat(decoded.prepared().get(0).prepares().get(1).sender()).isEqualTo(3);
    Prepare foreignUnsigned = new Prepare(0, 5, pp.digest(), 2, null);
    ViewChange forged = new ViewChange(1, 0, List.of(), List.of(new dev.bft.core.message.PreparedProof(pp,
        List.of(fx.prepare(pp, 1), foreignUnsigned))), 3, null);
    assertThatThrownBy(() -> fx.encodeAs(3, forged)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot sign PREPARE of node 2");
  }

  @Test
  void aClientSignatureIsVerifiedOnceAndRemembered() {
    VerifiedSignatures cache = new VerifiedSignatures(10);
    MessageDecoder decoder = new MessageDecoder(KeyDirectory.of(java.util.Map.of(),
        java.util.Map.of(1000, fx.clientKeys.publicKey())), WireLimits.defaults(), cache, CodecFixture.BOUNDS);
    byte[] frame = fx.client.encode(Request.unsigned(1000, 1, false, new byte[] {1}));
    assertThat(decoder.decode(frame).accepted()).isTrue();
    assertThat(cache.size()).isEqualTo(1);
    assertThat(decoder.decode(frame).accepted()).isTrue();
    assertThat(cache.size()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ rejections, one per reason

  private Rejection rejection(byte[] frame) {
    DecodeResult r = fx.decoder.decode(frame);
    assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
    return ((DecodeResult.Rejected) r).reason();
  }

  private byte[] prepareFrame() {
    return fx.encodeAs(1, new Prepare(0, 1, Digest.ZERO, 1, null));
  }

  private Envelope.Builder envelope(byte[] frame) throws Exception {
    return Envelope.parseFrom(frame).toBuilder();
  }

  @Test
  void everyRejectionReasonIsReachable() throws Exception {
    byte[] good = prepareFrame();
    assertThat(new MessageDecoder(KeyDirectory.of(java.util.Map.of(), java.util.Map.of()),
        new WireLimits(10, 10, 10, 10, 10, 10, 10), null, CodecFixture.BOUNDS).decode(good))
        .isEqualTo(new DecodeResult.Rejected(Rejection.TOO_LARGE, good.length + " bytes exceed the limit of 10"));
    assertThat(rejection(new byte[] {(byte) 0xFF, 0x01, 0x02})).isEqualTo(Rejection.MALFORMED);
    assertThat(rejection(envelope(good).setVersion(2).build().toByteArray())).isEqualTo(Rejection.WRONG_VERSION);
    assertThat(rejection(envelope(good).setType(99).build().toByteArray())).isEqualTo(Rejection.UNKNOWN_TYPE);
    assertThat(rejection(envelope(good).setSender(17).build().toByteArray())).isEqualTo(Rejection.UNKNOWN_SENDER);
    assertThat(((DecodeResult.Rejected) fx.decoder.decode(good, 2)).reason()).isEqualTo(Rejection.WRONG_SENDER);
    assertThat(rejection(envelope(good).setSender(2).build().toByteArray())).isEqualTo(Rejection.BAD_SIGNATURE);
    byte[] noDigest = PrepareBody.newBuilder().setView(0).setSequence(1).build().toByteArray();
    assertThat(rejection(signedFrame(1, MessageType.PREPARE, noDigest))).isEqualTo(Rejection.MISSING_FIELD);
    byte[] shortDigest = PrepareBody.newBuilder().setView(0).setSequence(1).setDigest(ByteString.copyFrom(new byte[5]))
        .build().toByteArray();
    assertThat(rejection(signedFrame(1, MessageType.PREPARE, shortDigest))).isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    byte[] hugeView = PrepareBody.newBuilder().setView(-1).setSequence(1).setDigest(ByteString.copyFrom(new byte[32]))
        .build().toByteArray();
    assertThat(rejection(signedFrame(1, MessageType.PREPARE, hugeView))).isEqualTo(Rejection.FIELD_OUT_OF_RANGE);
    byte[] otherClient = RequestBody.newBuilder().setClient(1001).setRequestNumber(1).build().toByteArray();
    assertThat(rejection(clientFrame(otherClient))).isEqualTo(Rejection.WRONG_SENDER);
  }

  @Test
  void aRefusalNamingAnEarlierRequestOrCarryingAResultIsMalformed() {
    for (Reply bad : List.of(new Reply(3, 1000, 7, new byte[0], 0, null, 7), new Reply(3, 1000, 7, new byte[] {1}, 0, null, 9))) {
      DecodeResult r = fx.decoder.decode(fx.encodeAs(0, bad), 0);
      assertThat(r).as(bad.toString()).isInstanceOf(DecodeResult.Rejected.class);
      assertThat(((DecodeResult.Rejected) r).reason()).isEqualTo(Rejection.MALFORMED);
    }
  }

  @Test
  void aVoteTheReceiverHasNoUseForIsDroppedBeforeItsSignatureIsChecked() throws Exception {
    byte[] forged = envelope(prepareFrame()).setSignature(ByteString.copyFrom(new byte[64])).build().toByteArray();
    List<Message> shown = new java.util.ArrayList<>();
    DecodeResult unwanted = fx.decoder.decode(forged, 1, m -> shown.add(m) && false);
    assertThat(((DecodeResult.Rejected) unwanted).reason()).isEqualTo(Rejection.UNWANTED); // never verified
    assertThat(shown).singleElement().isInstanceOf(Prepare.class);
    assertThat(((DecodeResult.Rejected) fx.decoder.decode(forged, 1, m -> true)).reason()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(fx.decoder.decode(prepareFrame(), 1, m -> true).accepted()).isTrue();
    // messages other than top-level votes are always verified, whatever the check says
    PrePrepare pp = fx.prePrepare(0, 1);
    assertThat(fx.decoder.decode(fx.encodeAs(0, pp), 0, m -> false).accepted()).isTrue();
  }

  @Test
  void checkpointsStatusAndViewChangesAreShownBeforeTheirSignatureToo() throws Exception {
    List<Message> shown = new java.util.ArrayList<>();
    for (Message m : List.of(new dev.bft.core.message.Checkpoint(8, Digest.ZERO, 1, null),
        new Status(0, 3, 1, null), fx.viewChange(1))) {
      byte[] forged = envelope(fx.encodeAs(1, m)).setSignature(ByteString.copyFrom(new byte[64])).build().toByteArray();
      DecodeResult unwanted = fx.decoder.decode(forged, 1, x -> shown.add(x) && false);
      assertThat(((DecodeResult.Rejected) unwanted).reason()).as(m.type().toString()).isEqualTo(Rejection.UNWANTED);
      assertThat(((DecodeResult.Rejected) fx.decoder.decode(forged, 1, x -> true)).reason()).isEqualTo(Rejection.BAD_SIGNATURE);
    }
    assertThat(shown).extracting(Message::type).containsExactly(MessageType.CHECKPOINT, MessageType.STATUS,
        MessageType.VIEW_CHANGE);
    assertThat(((ViewChange) shown.get(2)).newView()).isEqualTo(1);
  }

  @Test
  void aPrepareRelabelledAsACommitFailsItsSignature() throws Exception {
    byte[] relabelled = envelope(prepareFrame()).setType(MessageType.COMMIT.code()).build().toByteArray();
    assertThat(fx.decoder.decode(relabelled))
        .isEqualTo(new DecodeResult.Rejected(Rejection.BAD_SIGNATURE, "COMMIT signature does not verify"));
  }

  @Test
  void aForgedEmbeddedPrepareSpoilsTheWholeViewChange() throws Exception {
    ViewChange vc = fx.viewChange(3);
    Prepare genuine = vc.prepared().get(0).prepares().get(1); // from replica 2
    // Replica 3 claims replica 1 prepared the batch too, signing with its own key.
    byte[] body = PrepareBody.newBuilder().setView(0).setSequence(5)
        .setDigest(ByteString.copyFrom(genuine.digest().bytesUnsafe())).build().toByteArray();
    Prepare forged = new Prepare(0, 5, genuine.digest(), 1, new dev.bft.core.message.WireForm(body,
        fx.replicaKeys[3].sign(SignatureDomain.of(MessageType.PREPARE.code()), body)));
    ViewChange bad = new ViewChange(1, 4, vc.checkpointProof(), List.of(new dev.bft.core.message.PreparedProof(
        vc.prepared().get(0).prePrepare(), List.of(forged, genuine))), 3, null);
    assertThat(rejection(fx.encodeAs(3, bad))).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  private byte[] signedFrame(int sender, MessageType type, byte[] body) {
    return Envelope.newBuilder().setVersion(1).setSender(sender).setType(type.code()).setBody(ByteString.copyFrom(body))
        .setSignature(ByteString.copyFrom(fx.replicaKeys[sender].sign(SignatureDomain.of(type.code()), body)))
        .build().toByteArray();
  }

  private byte[] clientFrame(byte[] body) {
    return Envelope.newBuilder().setVersion(1).setSender(1000).setType(1).setBody(ByteString.copyFrom(body))
        .setSignature(ByteString.copyFrom(fx.clientKeys.sign(SignatureDomain.of(1), body))).build().toByteArray();
  }
}
