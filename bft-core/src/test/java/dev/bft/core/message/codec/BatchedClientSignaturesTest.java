package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.Request;
import dev.bft.core.message.WireForm;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signatures the decoder checks by one batch equation (the requests of the batch beside a
 * PRE-PREPARE or in a BATCH reply; in a verification group, request frames, PRE-PREPAREs with their
 * requests, BATCH replies' requests, and votes) get the verdict one-by-one checking would give: one
 * forged signature rejects its PRE-PREPARE or BATCH, or only its own frame in a group.
 */
class BatchedClientSignaturesTest {
  private static final int CLIENTS = 12;
  private final Ed25519KeyPair primaryKeys = Ed25519KeyPair.forTesting(0);
  private final MessageEncoder primary = new MessageEncoder(0, primaryKeys);
  private final MessageEncoder backup = new MessageEncoder(1, Ed25519KeyPair.forTesting(1));
  private final MessageEncoder[] clients = new MessageEncoder[CLIENTS];
  private final VerifiedSignatures cache = new VerifiedSignatures(1 << 10);
  private final MessageDecoder decoder;

  BatchedClientSignaturesTest() {
    for (int c = 0; c < CLIENTS; c++) {
      clients[c] = new MessageEncoder(1000 + c, Ed25519KeyPair.forTesting(1000 + c));
    }
    decoder = new MessageDecoder(keyDirectory(), WireLimits.defaults(), cache, CodecFixture.BOUNDS);
  }

  private byte[] requestFrame(int client, long number) {
    return clients[client].encode(Request.unsigned(1000 + client, number, false,
        ("put k" + client + " v" + number).getBytes(StandardCharsets.UTF_8)));
  }

  /** The request as the primary embeds it: the client's own signed bytes (here undecoded, so not cached). */
  private Request embedded(int client, long number, boolean forge) throws Exception {
    dev.bft.core.message.wire.Envelope env = dev.bft.core.message.wire.Envelope.parseFrom(requestFrame(client, number));
    byte[] signature = env.getSignature().toByteArray();
    if (forge) {
      signature[5] ^= 1;
    }
    Request unsigned = Request.unsigned(1000 + client, number, false,
        ("put k" + client + " v" + number).getBytes(StandardCharsets.UTF_8));
    return new Request(unsigned.clientId(), number, false, unsigned.operation(), unsigned.digest(),
        new WireForm(env.getBody().toByteArray(), signature));
  }

  private byte[] prePrepareFrame(int forgedIndex) throws Exception {
    List<Request> requests = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      requests.add(embedded(c, 1, c == forgedIndex));
    }
    return primary.encode(new PrePrepare(0, 1, Batch.of(requests, 7), 0, null));
  }

  @Test
  void aPrePrepareWhoseClientSignaturesAllVerifyIsAcceptedAndTheyAreRemembered() throws Exception {
    DecodeResult r = decoder.decode(prePrepareFrame(-1), 0);
    assertThat(r.accepted()).as(r.toString()).isTrue();
    assertThat(((PrePrepare) r.message()).batch().requests()).hasSize(CLIENTS);
    assertThat(cache.size()).isEqualTo(CLIENTS);
  }

  @Test
  void aDecoderWithoutACacheChecksTheBatchAllTheSame() throws Exception {
    MessageDecoder uncached = new MessageDecoder(keyDirectory(), WireLimits.defaults(), null, CodecFixture.BOUNDS);
    assertThat(uncached.decode(prePrepareFrame(-1), 0).accepted()).isTrue();
    assertThat(uncached.decode(prePrepareFrame(3), 0).accepted()).isFalse();
  }

  @Test
  void oneForgedClientSignatureRejectsThePrePrepareAndNothingIsRemembered() throws Exception {
    for (int forged : new int[] {0, 5, CLIENTS - 1}) {
      assertThat(decoder.decode(prePrepareFrame(forged), 0))
          .isEqualTo(new DecodeResult.Rejected(Rejection.BAD_SIGNATURE,
              "a client signature in the batch does not verify"));
      assertThat(cache.size()).as("no request of a rejected batch counts as verified").isZero();
    }
  }

  @Test
  void inAGroupOnlyTheForgedRequestFrameIsRejected() throws Exception {
    List<byte[]> frames = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      frames.add(requestFrame(c, 3));
    }
    dev.bft.core.message.wire.Envelope forged = dev.bft.core.message.wire.Envelope.parseFrom(frames.get(4));
    byte[] badSignature = forged.getSignature().toByteArray();
    badSignature[0] ^= 1;
    frames.set(4, forged.toBuilder().setSignature(com.google.protobuf.ByteString.copyFrom(badSignature)).build().toByteArray());
    frames.add(new byte[] {(byte) 0xFF, 1, 2}); // malformed
    frames.add(backup.encode(new Prepare(0, 1, dev.bft.crypto.Digest.ZERO, 1, null)));
    int[] senders = new int[frames.size()];
    for (int i = 0; i < CLIENTS; i++) {
      senders[i] = 1000 + i;
    }
    senders[CLIENTS] = 2;
    senders[CLIENTS + 1] = 1;

    List<DecodeResult> together = decoder.decodeAll(frames, senders, m -> true);

    MessageDecoder oneByOne = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    for (int i = 0; i < frames.size(); i++) {
      DecodeResult alone = oneByOne.decode(frames.get(i), senders[i], m -> true);
      assertThat(together.get(i).accepted()).as("frame %d", i).isEqualTo(alone.accepted());
      if (!alone.accepted()) {
        assertThat(((DecodeResult.Rejected) together.get(i)).reason()).isEqualTo(((DecodeResult.Rejected) alone).reason());
      }
    }
    assertThat(together.stream().filter(DecodeResult::accepted).count()).isEqualTo(CLIENTS - 1 + 1);
    assertThat(((DecodeResult.Rejected) together.get(4)).reason()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(cache.size()).as("the genuine requests are remembered").isEqualTo(CLIENTS - 1);
  }

  @Test
  void inAMixedGroupOfPrePreparesAndVotesOnlyTheFramesCarryingAForgeryAreRejected() throws Exception {
    MessageEncoder[] replicas = replicaEncoders();
    dev.bft.crypto.Digest d = dev.bft.crypto.Digest.sha256(new byte[] {1});
    List<byte[]> frames = new ArrayList<>();
    frames.add(prePrepareFrame(-1));                                                        // 0 genuine
    frames.add(prePrepareFrame(7));                                                         // 1 a forged request inside
    frames.add(replicas[1].encode(new Prepare(0, 1, d, 1, null)));                          // 2
    frames.add(forge(replicas[2].encode(new Prepare(0, 1, d, 2, null))));                   // 3 forged vote
    frames.add(replicas[3].encode(new dev.bft.core.message.Commit(0, 1, d, 3, null)));      // 4
    frames.add(replicas[2].encode(new dev.bft.core.message.Checkpoint(128, d, 2, null)));   // 5
    frames.add(forge(replicas[0].encode(new dev.bft.core.message.Status(0, 0, 0, null))));  // 6 forged status
    frames.add(requestFrame(2, 9));                                                         // 7
    int[] senders = {0, 0, 1, 2, 3, 2, 0, 1002};

    List<DecodeResult> together = decoder.decodeAll(frames, senders, m -> true);

    MessageDecoder oneByOne = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(together.get(i).accepted()).as("frame %d", i).isEqualTo(oneByOne.decode(frames.get(i), senders[i]).accepted());
    }
    assertThat(together).extracting(DecodeResult::accepted).containsExactly(true, false, true, false, true, true, false, true);
    for (int forged : new int[] {1, 3, 6}) {
      assertThat(((DecodeResult.Rejected) together.get(forged)).reason()).isEqualTo(Rejection.BAD_SIGNATURE);
    }
  }

  @Test
  void aGenuineGroupOfAPrePrepareVotesAndRequestsCostsOneBatchEquation() throws Exception {
    MessageEncoder[] replicas = replicaEncoders();
    dev.bft.crypto.Digest d = dev.bft.crypto.Digest.sha256(new byte[] {2});
    List<byte[]> frames = List.of(prePrepareFrame(-1), replicas[2].encode(new Prepare(0, 1, d, 2, null)),
        replicas[3].encode(new dev.bft.core.message.Commit(0, 1, d, 3, null)), requestFrame(1, 11));
    int[] senders = {0, 2, 3, 1001};

    assertThat(decoder.decodeAll(frames, senders, m -> true)).allMatch(DecodeResult::accepted);

    // The PRE-PREPARE's signature, its requests', the two votes' and the request's: one equation.
    assertThat(decoder.tally().equations()).isEqualTo(1);
    assertThat(decoder.tally().batched()).isEqualTo(1 + CLIENTS + 2 + 1);
    assertThat(decoder.tally().alone()).isZero();
    // One vote by itself is below the batch threshold: checked alone.
    decoder.decodeAll(List.of(replicas[1].encode(new Prepare(0, 1, d, 1, null))), new int[] {1}, m -> true);
    assertThat(decoder.tally().equations()).isEqualTo(1);
    assertThat(decoder.tally().alone()).isEqualTo(1);
  }

  /** The requests as a primary's verification group decoded them, each carrying its R hint. */
  private List<Request> requestsCheckedByThePrimary() {
    List<byte[]> frames = new ArrayList<>();
    int[] senders = new int[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
      frames.add(requestFrame(c, 21));
      senders[c] = 1000 + c;
    }
    List<Request> requests = new ArrayList<>();
    for (DecodeResult r : decoder.decodeAll(frames, senders, m -> true)) {
      assertThat(r.accepted()).as(r.toString()).isTrue();
      requests.add((Request) r.message());
    }
    return requests;
  }

  @Test
  void thePrimarysCheckHandsEachRequestTheXOfItsRAndTheBackupUsesIt() {
    List<Request> requests = requestsCheckedByThePrimary();
    assertThat(requests).allSatisfy(r -> assertThat(r.wire().rX()).hasSize(32));
    byte[] pp = primary.encode(new PrePrepare(0, 1, Batch.of(requests, 7), 0, null));

    MessageDecoder backupDecoder = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    assertThat(backupDecoder.decode(pp, 0).accepted()).isTrue();
    assertThat(backupDecoder.tally().hinted()).isEqualTo(CLIENTS);
    MessageDecoder grouped = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    assertThat(grouped.decodeAll(List.of(pp), new int[] {0}, m -> true)).allMatch(DecodeResult::accepted);
    assertThat(grouped.tally().hinted()).isEqualTo(CLIENTS);
  }

  @Test
  void wrongHintsCostTheSquareRootButChangeNoVerdict() throws Exception {
    List<Request> requests = new ArrayList<>();
    for (Request r : requestsCheckedByThePrimary()) {
      byte[] wrong = r.wire().rX().clone();
      wrong[3] ^= 4;
      requests.add(new Request(r.clientId(), r.requestNumber(), r.readOnly(), r.operation(), r.digest(),
          new WireForm(r.wire().body(), r.wire().signature(), wrong)));
    }
    MessageDecoder backupDecoder = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    assertThat(backupDecoder.decode(primary.encode(new PrePrepare(0, 1, Batch.of(requests, 7), 0, null)), 0).accepted())
        .isTrue();
    assertThat(backupDecoder.tally().hinted()).isZero();

    // Right hints do not rescue a forged client signature.
    List<Request> forged = new ArrayList<>(requestsCheckedByThePrimary());
    Request victim = forged.get(2);
    byte[] badSignature = victim.wire().signature().clone();
    badSignature[40] ^= 1;
    forged.set(2, new Request(victim.clientId(), victim.requestNumber(), false, victim.operation(), victim.digest(),
        new WireForm(victim.wire().body(), badSignature, victim.wire().rX())));
    MessageDecoder another = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    assertThat(another.decode(primary.encode(new PrePrepare(0, 1, Batch.of(forged, 7), 0, null)), 0))
        .isEqualTo(new DecodeResult.Rejected(Rejection.BAD_SIGNATURE, "a client signature in the batch does not verify"));
  }

  @Test
  void aHintListThatDoesNotMatchTheRequestsIsMalformed() throws Exception {
    byte[] pp = primary.encode(new PrePrepare(0, 1, Batch.of(requestsCheckedByThePrimary(), 7), 0, null));
    dev.bft.core.message.wire.Envelope env = dev.bft.core.message.wire.Envelope.parseFrom(pp);
    dev.bft.core.message.wire.BatchBody batch = env.getBatch();
    assertThat(batch.getRequestRXCount()).isEqualTo(CLIENTS);
    dev.bft.core.message.wire.BatchBody oneShort = batch.toBuilder().clearRequestRX()
        .addAllRequestRX(batch.getRequestRXList().subList(1, CLIENTS)).build();
    dev.bft.core.message.wire.BatchBody shortHint = batch.toBuilder()
        .setRequestRX(4, com.google.protobuf.ByteString.copyFrom(new byte[5])).build();
    MessageDecoder backupDecoder = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    assertThat(backupDecoder.decode(env.toBuilder().setBatch(oneShort).build().toByteArray(), 0))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED, (CLIENTS - 1) + " R hints for " + CLIENTS + " requests"));
    assertThat(backupDecoder.decode(env.toBuilder().setBatch(shortHint).build().toByteArray(), 0))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED, "an R hint of 5 bytes"));
    // Leaving the hints out is fine: every R is then decompressed in full. (Hints travel beside the
    // signed body, with the batch, so changing them needs no signature.)
    assertThat(backupDecoder.decode(env.toBuilder().setBatch(batch.toBuilder().clearRequestRX()).build().toByteArray(), 0)
        .accepted()).isTrue();
    assertThat(backupDecoder.tally().hinted()).isZero();
  }

  @Test
  void aBatchOtherThanTheOneThePrimarySignedIsRefusedBeforeAnyClientSignature() throws Exception {
    dev.bft.core.message.wire.Envelope signed = dev.bft.core.message.wire.Envelope.parseFrom(prePrepareFrame(-1));
    List<Request> others = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      others.add(embedded(c, 2, false));
    }
    // The batch travels unsigned beside the signed digest: anyone on the path could swap it.
    dev.bft.core.message.wire.BatchBody swapped = dev.bft.core.message.wire.Envelope.parseFrom(
        primary.encode(new PrePrepare(0, 1, Batch.of(others, 7), 0, null))).getBatch();
    MessageDecoder backupDecoder = new MessageDecoder(keyDirectory(), WireLimits.defaults(), cache, CodecFixture.BOUNDS);
    assertThat(backupDecoder.decode(signed.toBuilder().setBatch(swapped).build().toByteArray(), 0))
        .isEqualTo(new DecodeResult.Rejected(Rejection.MALFORMED,
            "PRE-PREPARE for sequence 1 carries a batch other than the one its signature names"));
    assertThat(backupDecoder.tally().alone()).as("the primary's signature only").isEqualTo(1);
    assertThat(backupDecoder.tally().batched()).as("no client signature").isZero();
    assertThat(cache.size()).isZero();
  }

  @Test
  void aBatchReplysClientSignaturesAreCheckedByOneEquationWithTheirHints() {
    List<Request> requests = requestsCheckedByThePrimary();
    byte[] reply = backup.encode(new BatchReply(1, Batch.of(requests, 7), 1, null));
    MessageDecoder asker = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    DecodeResult r = asker.decode(reply, 1);
    assertThat(r.accepted()).as(r.toString()).isTrue();
    assertThat(((BatchReply) r.message()).batch().digest()).isEqualTo(Batch.of(requests, 7).digest());
    // The replica's own signature alone, then its requests' in one equation, each R from its hint.
    assertThat(asker.tally().alone()).isEqualTo(1);
    assertThat(asker.tally().batched()).isEqualTo(CLIENTS);
    assertThat(asker.tally().equations()).isEqualTo(1);
    assertThat(asker.tally().hinted()).isEqualTo(CLIENTS);

    List<Request> forged = new ArrayList<>(requests);
    Request victim = forged.get(6);
    byte[] badSignature = victim.wire().signature().clone();
    badSignature[33] ^= 1;
    forged.set(6, new Request(victim.clientId(), victim.requestNumber(), false, victim.operation(), victim.digest(),
        new WireForm(victim.wire().body(), badSignature, victim.wire().rX())));
    VerifiedSignatures remembered = new VerifiedSignatures(64);
    MessageDecoder another = new MessageDecoder(keyDirectory(), WireLimits.defaults(), remembered, CodecFixture.BOUNDS);
    assertThat(another.decode(backup.encode(new BatchReply(1, Batch.of(forged, 7), 1, null)), 1))
        .isEqualTo(new DecodeResult.Rejected(Rejection.BAD_SIGNATURE, "a client signature in the batch does not verify"));
    assertThat(remembered.size()).as("no request of a rejected batch counts as verified").isZero();
  }

  @Test
  void inAGroupABatchReplysRequestsJoinTheGroupsEquation() throws Exception {
    List<Request> requests = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      requests.add(embedded(c, 31, false));
    }
    List<byte[]> frames = List.of(backup.encode(new BatchReply(4, Batch.of(requests, 7), 1, null)), requestFrame(3, 32));
    MessageDecoder grouped = new MessageDecoder(keyDirectory(), WireLimits.defaults(), new VerifiedSignatures(64), CodecFixture.BOUNDS);
    assertThat(grouped.decodeAll(frames, new int[] {1, 1003}, m -> true)).allMatch(DecodeResult::accepted);
    // BATCH's own signature is checked alone (it is not a vote); its requests and the request frame together.
    assertThat(grouped.tally().equations()).isEqualTo(1);
    assertThat(grouped.tally().batched()).isEqualTo(CLIENTS + 1);
    assertThat(grouped.tally().alone()).isEqualTo(1);
  }

  private static MessageEncoder[] replicaEncoders() {
    MessageEncoder[] replicas = new MessageEncoder[4];
    for (int i = 0; i < 4; i++) {
      replicas[i] = new MessageEncoder(i, Ed25519KeyPair.forTesting(i));
    }
    return replicas;
  }

  /** The frame with one bit of its top-level signature flipped. */
  private static byte[] forge(byte[] frame) throws Exception {
    dev.bft.core.message.wire.Envelope env = dev.bft.core.message.wire.Envelope.parseFrom(frame);
    byte[] signature = env.getSignature().toByteArray();
    signature[9] ^= 1;
    return env.toBuilder().setSignature(com.google.protobuf.ByteString.copyFrom(signature)).build().toByteArray();
  }

  private static KeyDirectory keyDirectory() {
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      replicaKeys.put(i, Ed25519KeyPair.forTesting(i).publicKey());
    }
    Map<Integer, Ed25519PublicKey> clientKeys = new HashMap<>();
    for (int c = 0; c < CLIENTS; c++) {
      clientKeys.put(1000 + c, Ed25519KeyPair.forTesting(1000 + c).publicKey());
    }
    return KeyDirectory.of(replicaKeys, clientKeys);
  }
}
