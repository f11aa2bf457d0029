package dev.bft.adversary.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.message.Hello;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.EnvelopeHeader;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.core.runtime.ClientSide;
import dev.bft.core.runtime.ReplicaNode;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One connection from a client process carries several client identities, each proven by its own
 * HELLO answering the replica's nonce (real replicas: Netty, LMDB, Ed25519, in this JVM, spoken to
 * over raw sockets). Their replies come back over that connection; a frame of an identity that did
 * not prove itself on it, or a HELLO that answers another nonce, ends the connection unverified.
 */
class SharedClientLinkTest {
  static final int A = 1000;
  static final int B = 1001;
  static final int C = 1002;

  @TempDir
  Path dir;
  final List<ReplicaNode> nodes = new ArrayList<>();
  ClusterConfig cluster;
  MessageDecoder decoder;
  final Map<Integer, MessageEncoder> clients = new HashMap<>();
  final Map<Integer, Ed25519KeyPair> keys = new HashMap<>();

  @BeforeEach
  void startCluster() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 3, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    cluster = ClusterFile.load(file);
    for (int i = 0; i < 4; i++) {
      ReplicaNode node = new ReplicaNode(cluster, i, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, i)), e -> { });
      node.start();
      nodes.add(node);
    }
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    cluster.replicas().forEach((id, r) -> replicaKeys.put(id, r.publicKey()));
    decoder = new MessageDecoder(KeyDirectory.of(replicaKeys, cluster.clients()),
        dev.bft.core.message.codec.ClusterBounds.of(cluster.n(), cluster.parameters().checkpointInterval(),
            cluster.parameters().logWindow()));
    for (int id : List.of(A, B, C)) {
      keys.put(id, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, id)));
      clients.put(id, new MessageEncoder(id, keys.get(id)));
    }
  }

  @AfterEach
  void stopCluster() {
    nodes.forEach(ReplicaNode::close);
  }

  @Test
  void identitiesSharingALinkEachGetTheirRepliesOverIt() throws Exception {
    List<RawLink> links = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      RawLink link = new RawLink(r, A);
      link.hello(B, link.nonce);
      links.add(link);
    }
    for (RawLink link : links) { // as a retransmission would: to every replica
      link.send(request(A, 1, "a"));
      link.send(request(B, 1, "b"));
    }
    for (RawLink link : links) {
      Map<Integer, Reply> replies = new HashMap<>();
      while (replies.size() < 2) {
        byte[] frame = link.read();
        int to = EnvelopeHeader.replyClient(frame);
        DecodeResult r = decoder.decodeReply(frame, link.replica, reply -> true);
        assertThat(r.accepted()).as("a signed reply of replica %d", link.replica).isTrue();
        assertThat(((Reply) r.message()).clientId()).isEqualTo(to);
        replies.put(to, (Reply) r.message());
      }
      assertThat(replies.keySet()).containsExactlyInAnyOrder(A, B);
      for (Reply reply : replies.values()) {
        assertThat(KvResult.decode(reply.result())).isEqualTo(KvResult.OK);
      }
      link.close();
    }
  }

  @Test
  void aRequestOfAnIdentityNotProvenOnTheLinkEndsItBeforeVerification() throws Exception {
    awaitLinkedCluster(A);
    RawLink link = new RawLink(1, C);
    link.send(request(B, 1, "b")); // validly signed by B, which never said HELLO here
    assertThat(link.closedByReplica()).isTrue();
    ReplicaNode replica = nodes.get(1);
    assertThat(replica.rejectedFrames()).containsEntry("WRONG_SENDER", 1L).containsEntry("CLIENT_QUARANTINED", 1L);
    assertThat(refused(1, C)).as("C is refused for a while").isTrue();
    RawLink other = new RawLink(1, B);
    other.send(request(B, 1, "b"));
    assertThat(other.replyIsFor()).as("B was not punished for what the link of C did").isEqualTo(B);
  }

  @Test
  void aJoiningHelloThatAnswersAnotherNonceEndsTheLink() throws Exception {
    awaitLinkedCluster(B);
    RawLink link = new RawLink(2, C);
    byte[] stale = link.nonce.clone();
    stale[0] ^= 1;
    link.hello(A, stale);
    assertThat(link.closedByReplica()).isTrue();
    assertThat(nodes.get(2).rejectedFrames()).containsEntry("CLIENT_QUARANTINED", 1L);
    RawLink fresh = new RawLink(2, A);
    fresh.send(request(A, 1, "a"));
    assertThat(fresh.replyIsFor()).as("A's key was never shown on that link: A is still served").isEqualTo(A);
  }

  /**
   * A client link carries only its identities' REQUESTs: a REPLY, a poisoned EPOCH-NOTICE or a
   * whole one (replicas send those; clients do not) ends the link as faulty, on the verification
   * thread that reads it, without stopping the replica; the other identities are still served.
   */
  @Test
  void aReplyOrAnEpochNoticeOnAClientLinkQuarantinesItAndTheReplicaServesOn() throws Exception {
    awaitLinkedCluster(A);
    byte[] checkpoint = new MessageEncoder(0, KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, 0)))
        .encode(new dev.bft.core.message.Checkpoint(128, dev.bft.crypto.Digest.sha256(new byte[] {9}), 0, null));
    byte[] notice = HostileFrames.epochNotice(checkpoint);
    List<byte[]> frames = new ArrayList<>(List.of(clients.get(B).encode(new Reply(0, B, 1, new byte[] {7}, B, null)), notice));
    List<byte[]> poisoned = HostileFrames.poisoned(notice);
    // The decoder refuses a notice on a client link by its first byte, whatever lengths follow:
    // the configuration's poisoned lengths, one proof's and the proof count stand for all of them.
    frames.addAll(poisoned.subList(0, 3));
    frames.addAll(poisoned.subList(poisoned.size() - 3, poisoned.size()));
    for (int i = 0; i < frames.size(); i++) {
      // A quarantined identity is refused at the handshake for a while: each frame gets an identity and replica of its own.
      int replica = i / 2;
      int client = i % 2 == 0 ? B : C;
      long quarantined = nodes.get(replica).rejectedFrames().getOrDefault("CLIENT_QUARANTINED", 0L);
      try (RawLink link = new RawLink(replica, client)) {
        link.send(frames.get(i));
        assertThat(link.closedByReplica()).as("frame %d on the link of %d to replica %d", i, client, replica).isTrue();
      }
      assertThat(nodes.get(replica).rejectedFrames().get("CLIENT_QUARANTINED")).isEqualTo(quarantined + 1);
    }
    RawLink served = new RawLink(1, A);
    served.send(request(A, 2, "a"));
    assertThat(served.replyIsFor()).as("the replica serves on").isEqualTo(A);
  }

  /**
   * Until every replica answered a request sent to all: the replicas' own links are up, so a
   * request sent to one backup alone is relayed to the primary (a raw client never retransmits).
   */
  private void awaitLinkedCluster(int client) throws Exception {
    List<RawLink> links = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      RawLink link = new RawLink(r, client);
      link.send(request(client, 1, "warm-up"));
      links.add(link);
    }
    for (RawLink link : links) {
      assertThat(link.replyIsFor()).isEqualTo(client);
      link.close();
    }
  }

  /** Whether {@code replica} hangs up on a link that {@code client} authenticates. */
  private boolean refused(int replica, int client) throws Exception {
    try (RawLink link = new RawLink(replica, client)) {
      return link.closedByReplica();
    } catch (java.io.IOException hungUp) {
      return true;
    }
  }

  private byte[] request(int client, long number, String key) {
    byte[] op = new KvOperation.Put(key.getBytes(StandardCharsets.UTF_8), new byte[] {1}).encode();
    return clients.get(client).encode(Request.unsigned(client, number, false, op));
  }

  /** A client process's connection to one replica under TLS as client A, spoken frame by frame. */
  private final class RawLink implements AutoCloseable {
    final int replica;
    final RawPeer peer;
    final byte[] nonce;

    /** Authenticated by the handshake as {@code first}. */
    RawLink(int replica, int first) throws Exception {
      this.replica = replica;
      this.peer = RawPeer.open(cluster, replica, ClientSide.tls(cluster, keys.get(first), "test"));
      this.nonce = peer.authenticate(first, replica, clients.get(first));
    }

    void hello(int client, byte[] answering) throws Exception {
      send(clients.get(client).encode(Hello.join(client, replica, answering)));
    }

    void send(byte[] frame) throws Exception {
      peer.send(frame);
    }

    byte[] read() throws Exception {
      return peer.read();
    }

    /** The client the first reply on this link is addressed to. */
    int replyIsFor() throws Exception {
      return EnvelopeHeader.replyClient(read());
    }

    boolean closedByReplica() throws Exception {
      return peer.closedByReplica();
    }

    @Override
    public void close() throws java.io.IOException {
      peer.close();
    }
  }
}
