package dev.bft.core.message.codec;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Message;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Request;
import dev.bft.core.message.ViewChange;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Four replicas and two clients with deterministic keys, their encoders, and a decoder that knows them all. */
final class CodecFixture {
  static final int CLIENT = 1000;
  /** n = 4, and a small K and L so the fixture's checkpoint (4) and certificate (5) fit them. */
  static final ClusterBounds BOUNDS = ClusterBounds.of(4, 4, 8);
  final Ed25519KeyPair[] replicaKeys = new Ed25519KeyPair[4];
  final Ed25519KeyPair clientKeys = Ed25519KeyPair.forTesting(CLIENT);
  final MessageEncoder[] replica = new MessageEncoder[4];
  final MessageEncoder client = new MessageEncoder(CLIENT, clientKeys);
  final MessageDecoder decoder;
  private final KeyDirectory keys;

  CodecFixture() {
    Map<Integer, Ed25519PublicKey> replicas = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      replicaKeys[i] = Ed25519KeyPair.forTesting(i);
      replica[i] = new MessageEncoder(i, replicaKeys[i]);
      replicas.put(i, replicaKeys[i].publicKey());
    }
    keys = KeyDirectory.of(replicas, Map.of(CLIENT, clientKeys.publicKey(),
        CLIENT + 1, Ed25519KeyPair.forTesting(CLIENT + 1).publicKey()));
    decoder = new MessageDecoder(keys, BOUNDS);
  }

  /** A decoder with the same keys for configuration epoch {@code epoch}. */
  MessageDecoder inEpoch(long epoch) {
    return new MessageDecoder(keys, WireLimits.defaults(), new VerifiedSignatures(16), BOUNDS, epoch);
  }

  /** A request as a replica receives it: encoded and signed by its client, then decoded. */
  Request request(long t) {
    Request unsigned = Request.unsigned(CLIENT, t, false, ("put k" + t + " v").getBytes(StandardCharsets.UTF_8));
    return (Request) decoder.decode(client.encode(unsigned)).message();
  }

  PrePrepare prePrepare(long view, long seq) {
    PrePrepare pp = new PrePrepare(view, seq, Batch.of(List.of(request(1), request(2)), 42), (int) (view % 4), null);
    return (PrePrepare) decoder.decode(replica[(int) (view % 4)].encode(pp)).message();
  }

  Prepare prepare(PrePrepare pp, int from) {
    Prepare p = new Prepare(pp.view(), pp.sequence(), pp.digest(), from, null);
    return (Prepare) decoder.decode(replica[from].encode(p)).message();
  }

  Checkpoint checkpoint(long seq, int from) {
    Checkpoint c = new Checkpoint(seq, Digest.sha256(new byte[] {(byte) seq}), from, null);
    return (Checkpoint) decoder.decode(replica[from].encode(c)).message();
  }

  /** A VIEW-CHANGE with a checkpoint proof and one prepared certificate, all received from peers. */
  ViewChange viewChange(int from) {
    PrePrepare pp = prePrepare(0, 5);
    PreparedProof cert = new PreparedProof(pp, List.of(prepare(pp, 1), prepare(pp, 2)));
    List<Checkpoint> proof = List.of(checkpoint(4, 0), checkpoint(4, 1), checkpoint(4, 2));
    return new ViewChange(1, 4, proof, List.of(cert), from, null);
  }

  /** {@link #viewChange} as received from its sender: signed, so others can relay it. */
  ViewChange receivedViewChange(int from) {
    return (ViewChange) decoder.decode(encodeAs(from, viewChange(from))).message();
  }

  /** A decoder with the same keys that has verified nothing yet (an empty tally and cache). */
  MessageDecoder freshDecoder() {
    return freshDecoder(BOUNDS);
  }

  /** A fresh decoder with the same keys for a cluster of n = 4 with another K and L. */
  MessageDecoder freshDecoder(ClusterBounds bounds) {
    return new MessageDecoder(keys, bounds);
  }

  byte[] encodeAs(int replicaId, Message m) {
    return replica[replicaId].encode(m);
  }
}
