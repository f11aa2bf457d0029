package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.NewViewBody;
import dev.bft.core.message.wire.ViewChangeBody;
import dev.bft.crypto.Digest;
import dev.bft.crypto.SignatureDomain;
import dev.bft.crypto.VerificationTally;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, item 5: a VIEW-CHANGE or NEW-VIEW may carry only what a correct replica of the cluster
 * (here n = 4, K = 4, L = 8) could put in it, and is refused for its shape before a single
 * signature is verified, its own included. Items 10 and 8: a re-issued PRE-PREPARE signed by
 * anyone but the new primary, and a FETCH whose range does not fit an int, are refused too.
 */
class CertificateBoundsTest {
  static final int THOUSANDS = 3000;
  final CodecFixture fx = new CodecFixture();
  final ViewChange vc = fx.receivedViewChange(3);

  /** Decodes with a decoder that has verified nothing yet and returns the rejection, checking no signature was verified. */
  private DecodeResult.Rejected rejectedUnverified(byte[] frame) {
    MessageDecoder decoder = fx.freshDecoder();
    DecodeResult r = decoder.decode(frame);
    assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
    VerificationTally t = decoder.tally();
    assertThat(t.alone() + t.batched()).as("signatures verified before refusing " + r).isZero();
    return (DecodeResult.Rejected) r;
  }

  private ViewChange viewChange(List<Checkpoint> proof, List<PreparedProof> prepared) {
    return new ViewChange(1, 4, proof, prepared, 3, null);
  }

  private static <T> List<T> times(int n, T t) {
    return Collections.nCopies(n, t);
  }

  @Test
  void aViewChangeWithThousandsOfCheckpointsIsRefusedUnverified() {
    byte[] frame = fx.encodeAs(3, viewChange(times(THOUSANDS, vc.checkpointProof().get(0)), vc.prepared()));
    assertThat(rejectedUnverified(frame).reason()).isEqualTo(Rejection.TOO_LARGE);
  }

  @Test
  void aViewChangeWithThousandsOfPreparedCertificatesOrPreparesIsRefusedUnverified() {
    PreparedProof cert = vc.prepared().get(0);
    assertThat(rejectedUnverified(fx.encodeAs(3, viewChange(vc.checkpointProof(), times(THOUSANDS, cert)))).reason())
        .isEqualTo(Rejection.TOO_LARGE);
    PreparedProof bloated = new PreparedProof(cert.prePrepare(), times(THOUSANDS, cert.prepares().get(0)));
    assertThat(rejectedUnverified(fx.encodeAs(3, viewChange(vc.checkpointProof(), List.of(bloated)))).reason())
        .isEqualTo(Rejection.TOO_LARGE);
  }

  @Test
  void aNewViewWithThousandsOfViewChangesOrPrePreparesIsRefusedUnverified() {
    List<ViewChange> three = List.of(vc, fx.receivedViewChange(0), fx.receivedViewChange(2));
    assertThat(rejectedUnverified(fx.encodeAs(1, new NewView(1, times(THOUSANDS, vc), List.of(), 1, null))).reason())
        .isEqualTo(Rejection.TOO_LARGE);
    PrePrepare reissued = fx.prePrepare(1, 5);
    assertThat(rejectedUnverified(fx.encodeAs(1, new NewView(1, three, times(THOUSANDS, reissued), 1, null))).reason())
        .isEqualTo(Rejection.TOO_LARGE);
  }

  @Test
  void duplicatedSendersOrSequencesAreRefusedUnverified() {
    Checkpoint c0 = vc.checkpointProof().get(0);
    PreparedProof cert = vc.prepared().get(0);
    List<byte[]> frames = List.of(
        fx.encodeAs(3, viewChange(List.of(c0, c0, vc.checkpointProof().get(1)), vc.prepared())),
        fx.encodeAs(3, viewChange(vc.checkpointProof(), List.of(cert, cert))),
        fx.encodeAs(3, viewChange(vc.checkpointProof(), List.of(new PreparedProof(cert.prePrepare(),
            List.of(cert.prepares().get(0), cert.prepares().get(0)))))),
        fx.encodeAs(1, new NewView(1, List.of(vc, vc, fx.receivedViewChange(0)), List.of(), 1, null)));
    for (byte[] frame : frames) {
      assertThat(rejectedUnverified(frame).reason()).isEqualTo(Rejection.MALFORMED);
    }
  }

  @Test
  void proofsTooSmallOrOutsideTheWindowAreRefusedUnverified() {
    PreparedProof cert = vc.prepared().get(0);
    Checkpoint c0 = vc.checkpointProof().get(0);
    PrePrepare farAhead = fx.prePrepare(0, 4 + 9); // above stable + L
    List<byte[]> frames = List.of(
        fx.encodeAs(3, viewChange(List.of(c0, vc.checkpointProof().get(1)), vc.prepared())),
        fx.encodeAs(3, viewChange(vc.checkpointProof(), List.of(new PreparedProof(cert.prePrepare(),
            List.of(cert.prepares().get(0)))))),
        fx.encodeAs(3, viewChange(vc.checkpointProof(), List.of(new PreparedProof(farAhead,
            List.of(fx.prepare(farAhead, 1), fx.prepare(farAhead, 2)))))),
        fx.encodeAs(1, new NewView(1, List.of(vc, fx.receivedViewChange(0)), List.of(), 1, null)));
    for (byte[] frame : frames) {
      assertThat(rejectedUnverified(frame).reason()).isEqualTo(Rejection.MALFORMED);
    }
  }

  @Test
  void aNewViewFromAnyoneButItsPrimaryIsRefusedUnverified() {
    List<ViewChange> three = List.of(vc, fx.receivedViewChange(0), fx.receivedViewChange(2));
    assertThat(rejectedUnverified(fx.encodeAs(2, new NewView(1, three, List.of(), 2, null))).reason())
        .isEqualTo(Rejection.WRONG_SENDER);
  }

  @Test
  void aReissuedPrePrepareSignedByAnotherThanTheNewPrimaryIsRefusedUnverified() {
    List<ViewChange> three = List.of(vc, fx.receivedViewChange(0), fx.receivedViewChange(2));
    PrePrepare byPrimary = fx.prePrepare(1, 5);
    PrePrepare byReplica2 = (PrePrepare) fx.decoder.decode(fx.encodeAs(2,
        new PrePrepare(1, 5, byPrimary.batch(), 2, null))).message();
    assertThat(fx.freshDecoder().decode(fx.encodeAs(1, new NewView(1, three, List.of(byPrimary), 1, null))).accepted())
        .isTrue();
    assertThat(rejectedUnverified(fx.encodeAs(1, new NewView(1, three, List.of(byReplica2), 1, null))).reason())
        .isEqualTo(Rejection.MALFORMED);
  }

  /** The frame with its body replaced and signed again by {@code replica}: a Byzantine sender's own frame. */
  private byte[] resigned(int replica, Envelope env, ByteString body) {
    byte[] signature = fx.replicaKeys[replica].sign(SignatureDomain.of(env.getType()), body.toByteArray());
    return env.toBuilder().setBody(body).setSignature(ByteString.copyFrom(signature)).build().toByteArray();
  }

  /** An embedded PRE-PREPARE envelope with a batch beside it, as only a top-level one may travel. */
  private ByteString withABatch(ByteString embeddedPrePrepare) throws Exception {
    Envelope top = Envelope.parseFrom(fx.encodeAs(0, fx.prePrepare(0, 5)));
    return Envelope.parseFrom(embeddedPrePrepare).toBuilder().setBatch(top.getBatch()).build().toByteString();
  }

  @Test
  void certificatesNameBatchesByDigestAndOneCarryingABatchIsRefusedUnverified() throws Exception {
    // The sender signs the whole certificate itself, so only the shape can refuse it, and must do
    // so before any signature: a batch per PRE-PREPARE is what made certificates exceed the frame limit.
    Envelope vcEnv = Envelope.parseFrom(fx.encodeAs(3, vc));
    ViewChangeBody vcBody = ViewChangeBody.parseFrom(vcEnv.getBody());
    ViewChangeBody bloatedVc = vcBody.toBuilder().setPrepared(0, vcBody.getPrepared(0).toBuilder()
        .setPrePrepare(withABatch(vcBody.getPrepared(0).getPrePrepare()))).build();
    assertThat(rejectedUnverified(resigned(3, vcEnv, bloatedVc.toByteString())))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED, "a batch beside an embedded PRE_PREPARE"));

    List<ViewChange> three = List.of(vc, fx.receivedViewChange(0), fx.receivedViewChange(2));
    Envelope nvEnv = Envelope.parseFrom(fx.encodeAs(1, new NewView(1, three, List.of(fx.prePrepare(1, 5)), 1, null)));
    NewViewBody nvBody = NewViewBody.parseFrom(nvEnv.getBody());
    NewViewBody bloatedNv = nvBody.toBuilder().setPrePrepares(0, withABatch(nvBody.getPrePrepares(0))).build();
    assertThat(rejectedUnverified(resigned(1, nvEnv, bloatedNv.toByteString())))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED, "a batch beside an embedded PRE_PREPARE"));

    // Nor does a batch travel beside the certificate itself, or beside a vote.
    Envelope top = Envelope.parseFrom(fx.encodeAs(0, fx.prePrepare(0, 5)));
    assertThat(rejectedUnverified(vcEnv.toBuilder().setBatch(top.getBatch()).build().toByteArray()))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED, "a batch beside a VIEW_CHANGE"));
    byte[] prepare = fx.encodeAs(1, fx.prepare(fx.prePrepare(0, 5), 1));
    assertThat(rejectedUnverified(Envelope.parseFrom(prepare).toBuilder().setBatch(top.getBatch()).build().toByteArray()))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED, "a batch beside a PREPARE"));
  }

  @Test
  void aWellShapedViewChangeChecksItsOwnSignatureFirstAndAloneThenTheEmbeddedOnes() {
    MessageDecoder decoder = fx.freshDecoder();
    assertThat(decoder.decode(fx.encodeAs(3, vc)).accepted()).isTrue();
    // Its own signature alone; then 3 CHECKPOINTs, the PRE-PREPARE and 2 PREPAREs in one equation. The
    // PRE-PREPARE names its batch by digest: no client request, so no client signature, is inside.
    assertThat(decoder.tally().alone()).isEqualTo(1);
    assertThat(decoder.tally().batched()).isEqualTo(6);

    byte[] frame = fx.encodeAs(3, vc);
    frame[frame.length - 1] ^= 1; // the envelope's signature is its last field
    MessageDecoder another = fx.freshDecoder();
    assertThat(another.decode(frame)).isInstanceOf(DecodeResult.Rejected.class);
    assertThat(another.tally().alone()).isEqualTo(1);
    assertThat(another.tally().batched()).isZero();
  }
}
