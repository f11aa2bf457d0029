package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Hello;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The link handshake, one rule at a time, on in-memory channels: both ends prove themselves for
 * this link only, so a Byzantine replica can neither relay another's answer nor reflect a replica's
 * own, and a stranger holds a link for no longer and no larger than the pre-authentication bounds.
 */
class HandshakeTest {
  static final int CLIENT = 1000;
  final Map<Integer, Ed25519KeyPair> keys = new HashMap<>();
  final MessageDecoder decoder;
  final List<String> refusals = new ArrayList<>();

  HandshakeTest() {
    Map<Integer, Ed25519PublicKey> replicas = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      keys.put(i, Ed25519KeyPair.forTesting(i));
      replicas.put(i, keys.get(i).publicKey());
    }
    keys.put(CLIENT, Ed25519KeyPair.forTesting(CLIENT));
    decoder = new MessageDecoder(KeyDirectory.of(replicas, Map.of(CLIENT, keys.get(CLIENT).publicKey())),
        dev.bft.core.message.codec.ClusterBounds.of(4, 128, 256));
  }

  /** One end of a link: its channel and the peer it authenticated, if any. */
  final class End {
    final EmbeddedChannel channel;
    Integer peer;
    byte[] linkNonce;

    End(boolean accepting, int self, int target) {
      Handshake.Ends ends = new Handshake.Ends(self, new MessageEncoder(self, keys.get(self)), decoder, (ctx, id) -> true,
          64 << 20);
      Handshake.Established up = (ctx, id, nonce) -> {
        peer = id;
        linkNonce = nonce;
      };
      Handshake handshake = accepting
          ? Handshake.accepting(ends, id -> id == 3 && self == 1, refusals::add, up)
          : Handshake.connecting(ends, target, refusals::add, up);
      channel = new EmbeddedChannel(new ChannelInitializer<EmbeddedChannel>() {
        @Override
        protected void initChannel(EmbeddedChannel ch) {
          Frames.install(ch.pipeline());
          ch.pipeline().addLast(handshake);
        }
      });
    }

    /** The frames this end has sent so far. */
    List<byte[]> sent() {
      channel.runPendingTasks();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
        ByteBuf b = (ByteBuf) o;
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        bytes.writeBytes(a);
      }
      List<byte[]> frames = new ArrayList<>();
      ByteBuffer in = ByteBuffer.wrap(bytes.toByteArray());
      while (in.remaining() >= 4) {
        byte[] f = new byte[in.getInt()];
        in.get(f);
        frames.add(f);
      }
      return frames;
    }

    void receive(byte[] frame) {
      channel.writeInbound(Unpooled.buffer().writeInt(frame.length).writeBytes(frame));
      channel.runPendingTasks();
    }

    boolean open() {
      return channel.isOpen();
    }
  }

  /** Carries frames between two ends until neither has more to say. */
  static void converse(End a, End b) {
    for (boolean more = true; more; ) {
      more = false;
      for (byte[] f : a.sent()) {
        b.receive(f);
        more = true;
      }
      for (byte[] f : b.sent()) {
        a.receive(f);
        more = true;
      }
    }
  }

  @Test
  void correctEndsEachLearnTheOtherAndShareTheLinkNonce() {
    End acceptor = new End(true, 2, -1);
    End connector = new End(false, 1, 2);
    converse(acceptor, connector);
    assertThat(acceptor.peer).isEqualTo(1);
    assertThat(connector.peer).isEqualTo(2);
    assertThat(acceptor.linkNonce).isEqualTo(connector.linkNonce);
    assertThat(refusals).isEmpty();
  }

  @Test
  void anAnswerRelayedByAByzantineReplicaNamesItAndIsRefusedByTheOneItWasRelayedTo() {
    // Replica 3 relays replica 2's challenge to replica 1, which had connected to 3, and 1's answer back to 2.
    End victim = new End(true, 2, -1);
    End relayedFor = new End(false, 1, 3);
    byte[] challenge = victim.sent().get(0);
    relayedFor.receive(challenge);
    byte[] answer = relayedFor.sent().get(0);
    victim.receive(answer);
    assertThat(victim.peer).as("replica 2 must not take the relay's link for replica 1's").isNull();
    assertThat(victim.open()).isFalse();
    assertThat(refusals).containsExactly("HELLO_WRONG_PEER");
  }

  @Test
  void aReplicasOwnAnswerReflectedBackToItIsRefused() {
    End replica = new End(true, 2, -1);
    End client = new End(false, CLIENT, 2);
    client.receive(replica.sent().get(0));
    replica.receive(client.sent().get(0));
    byte[] answer = replica.sent().get(0); // replica 2's signed answer on that link
    assertThat(replica.peer).isEqualTo(CLIENT);
    End again = new End(true, 2, -1);
    again.sent();
    again.receive(answer); // sent back to replica 2 on a link of its own
    assertThat(again.peer).isNull();
    assertThat(again.open()).isFalse();
    assertThat(refusals).containsExactly("HELLO_REFLECTED");
  }

  @Test
  void anAnswerToAnotherChallengeIsRefused() {
    End acceptor = new End(true, 2, -1);
    acceptor.sent();
    byte[] stale = new MessageEncoder(1, keys.get(1)).encode(new Hello(1, 2, new byte[32], new byte[32], null));
    acceptor.receive(stale);
    assertThat(acceptor.peer).isNull();
    assertThat(acceptor.open()).isFalse();
    assertThat(refusals).containsExactly("HELLO_WRONG_NONCE");
  }

  @Test
  void theConnectingSideRefusesAnAcceptorThatAnswersForAnotherPeer() {
    End connector = new End(false, 1, 2);
    byte[] nonce = new byte[32];
    connector.receive(Handshake.challenge(nonce));
    connector.sent();
    // Replica 2's answer, but addressed to replica 0: taken from another link.
    connector.receive(new MessageEncoder(2, keys.get(2)).encode(new Hello(2, 0, new byte[32], nonce, null)));
    assertThat(connector.peer).isNull();
    assertThat(connector.open()).isFalse();
    assertThat(refusals).containsExactly("HELLO_WRONG_PEER");
  }

  @Test
  void aPeerTheAcceptorRefusesIsHungUpOnBeforeItsSignatureIsChecked() {
    End acceptor = new End(true, 1, -1); // replica 1 accepts links from replica 0 only; 3 would connect to itself
    End connector = new End(false, 3, 1);
    converse(acceptor, connector);
    assertThat(acceptor.peer).isNull();
    assertThat(refusals).containsExactly("HELLO_REFUSED");
  }

  @Test
  void aFrameLargerThanTheHandshakeLimitClosesTheLinkUnread() {
    End acceptor = new End(true, 2, -1);
    acceptor.channel.writeInbound(Unpooled.buffer().writeInt(Frames.PRE_AUTHENTICATION_LIMIT + 1).writeBytes(new byte[64]));
    assertThat(acceptor.open()).isFalse();
  }

  @Test
  void aLinkThatDoesNotAuthenticateInTimeIsClosed() {
    End acceptor = new End(true, 2, -1);
    acceptor.channel.advanceTimeBy(Handshake.DEADLINE_MILLIS - 100, TimeUnit.MILLISECONDS);
    acceptor.channel.runScheduledPendingTasks();
    assertThat(acceptor.open()).isTrue();
    acceptor.channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
    acceptor.channel.runScheduledPendingTasks();
    assertThat(acceptor.open()).isFalse();
    assertThat(refusals).containsExactly("HANDSHAKE_TIMEOUT");
  }

  @Test
  void anAuthenticatedLinkTakesFramesUpToTheFullLimit() {
    End acceptor = new End(true, 2, -1);
    End connector = new End(false, 1, 2);
    converse(acceptor, connector);
    byte[] large = new byte[Frames.PRE_AUTHENTICATION_LIMIT * 4];
    acceptor.receive(large);
    assertThat(acceptor.open()).isTrue();
    ByteBuf read = acceptor.channel.readInbound();
    assertThat(read.readableBytes()).isEqualTo(large.length);
    read.release();
  }
}
