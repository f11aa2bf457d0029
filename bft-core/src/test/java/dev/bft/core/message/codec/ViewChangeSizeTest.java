package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Request;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.WireForm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, item 9: a correct VIEW-CHANGE or NEW-VIEW must never exceed the frame limit. With a full
 * window (L = 256, the default) of the largest batches the primary cuts (255 requests of 64 KiB:
 * what its 16 MiB byte budget admits, PrimaryBatchingTest), certificates that carried their
 * batches came to L times a 16 MiB PRE-PREPARE, about 4 GiB; named by digest they are a few hundred
 * bytes each.
 */
class ViewChangeSizeTest {
  static final int WINDOW = 256;
  static final int REQUESTS = 255;
  final CodecFixture fx = new CodecFixture();
  final int limit = WireLimits.defaults().maxFrameBytes();
  /** The default K and L: a full window's certificates are within the shape CertificateShape allows. */
  final MessageDecoder decoder = fx.freshDecoder(ClusterBounds.of(4, 128, WINDOW));

  Batch largestBatch() {
    byte[] op = new byte[WireLimits.defaults().maxOperationBytes()];
    List<Request> requests = new ArrayList<>();
    for (int t = 1; t <= REQUESTS; t++) {
      Request r = Request.unsigned(CodecFixture.CLIENT, t, false, op);
      WireForm signed = fx.client.sign(r);
      requests.add(new Request(r.clientId(), r.requestNumber(), false, op, r.digest(), signed));
    }
    return Batch.of(requests, 42);
  }

  ViewChange fullWindow(Batch batch, int from) {
    List<PreparedProof> prepared = new ArrayList<>();
    for (long s = 1; s <= WINDOW; s++) {
      PrePrepare pp = new PrePrepare(0, s, batch, 0, null);
      prepared.add(new PreparedProof(pp, List.of(new Prepare(0, s, batch.digest(), 1, null),
          new Prepare(0, s, batch.digest(), 2, null))));
    }
    return new ViewChange(1, 0, List.of(), prepared, from, null);
  }

  @Test
  void aViewChangeAndANewViewOfAFullWindowOfTheLargestBatchesFitTheFrameLimit() {
    Batch batch = largestBatch();
    byte[] prePrepare = fx.encodeAs(0, new PrePrepare(0, 1, batch, 0, null));
    assertThat(prePrepare.length).as("a PRE-PREPARE with its batch").isLessThan(limit);
    long before = (long) WINDOW * prePrepare.length; // what the certificates' PRE-PREPAREs alone came to
    assertThat(before).isGreaterThan(limit);

    // Replicas 0, 1 and 2 signed what replica 3's certificates embed: encode as each, as they would.
    List<ViewChange> received = new ArrayList<>();
    byte[] viewChange = null;
    for (int from : new int[] {1, 2, 3}) {
      ViewChange vc = fullWindow(batch, from);
      List<PreparedProof> signed = new ArrayList<>();
      for (PreparedProof p : vc.prepared()) {
        // The primary's signature covers (view, sequence, digest): the same as with the batch beside it.
        signed.add(new PreparedProof(decodedAs(0, p.prePrepare().withoutBatch()),
            List.of(decodedAs(1, p.prepares().get(0)), decodedAs(2, p.prepares().get(1)))));
      }
      viewChange = fx.encodeAs(from, new ViewChange(1, 0, List.of(), signed, from, null));
      DecodeResult r = decoder.decode(viewChange, from);
      assertThat(r.accepted()).as("%s", r).isTrue();
      received.add((ViewChange) r.message());
    }
    assertThat(viewChange.length).isLessThan(limit);

    List<PrePrepare> reissued = new ArrayList<>();
    for (long s = 1; s <= WINDOW; s++) {
      reissued.add(new PrePrepare(1, s, batch.digest(), null, 1, null));
    }
    byte[] newView = fx.encodeAs(1, new NewView(1, received, reissued, 1, null));
    DecodeResult nv = decoder.decode(newView, 1);
    assertThat(nv.accepted()).as("%s", nv).isTrue();
    assertThat(newView.length).isLessThan(limit);

    byte[] fetched = fx.encodeAs(2, new BatchReply(1, batch, 2, null));
    assertThat(fetched.length).as("a BATCH answering a fetch").isLessThan(limit);
    System.out.printf("[size] PRE-PREPARE with the largest batch %,d B; VIEW-CHANGE of %d certificates: before >= %,d B,"
        + " now %,d B; NEW-VIEW now %,d B; BATCH %,d B; frame limit %,d B%n",
        prePrepare.length, WINDOW, before, viewChange.length, newView.length, fetched.length, limit);
  }

  @SuppressWarnings("unchecked")
  private <T extends dev.bft.core.message.Message> T decodedAs(int replica, T m) {
    return (T) fx.decoder.decode(fx.encodeAs(replica, m)).message();
  }
}
