package dev.bft.core.runtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bft.core.message.codec.ClusterBounds;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * The handshake against any bytes a peer sends (issue 22): as the accepting side and as the
 * connecting side, whatever frames arrive, no exception escapes the pipeline and the link never
 * authenticates, since authenticating takes a signature over this side's fresh nonce that no input
 * can hold. The input is a sequence of frames, each {@code [length:2][bytes]}; seeds in
 * {@code HandshakeFuzzTestInputs/} (a challenge, HELLOs signed by cluster keys, an oversized frame).
 */
class HandshakeFuzzTest {
  static final MessageDecoder DECODER;
  static final Map<Integer, MessageEncoder> ENCODERS = new HashMap<>();

  static {
    Map<Integer, Ed25519PublicKey> replicas = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      Ed25519KeyPair key = Ed25519KeyPair.forTesting(i);
      replicas.put(i, key.publicKey());
      ENCODERS.put(i, new MessageEncoder(i, key));
    }
    Ed25519KeyPair client = Ed25519KeyPair.forTesting(1000);
    ENCODERS.put(1000, new MessageEncoder(1000, client));
    DECODER = new MessageDecoder(KeyDirectory.of(replicas, Map.of(1000, client.publicKey())), ClusterBounds.of(4, 128, 256));
  }

  @FuzzTest(maxDuration = "10m")
  void accepting(byte[] input) {
    run(true, input);
  }

  @FuzzTest(maxDuration = "10m")
  void connecting(byte[] input) {
    run(false, input);
  }

  private static void run(boolean accepting, byte[] input) {
    boolean[] up = new boolean[1];
    Handshake.Ends ends = new Handshake.Ends(2, ENCODERS.get(2), DECODER, (ctx, id) -> true, 64 << 20);
    Handshake handshake = accepting
        ? Handshake.accepting(ends, id -> false, reason -> { }, (ctx, peer, nonce) -> up[0] = true)
        : Handshake.connecting(ends, 3, reason -> { }, (ctx, peer, nonce) -> up[0] = true);
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<EmbeddedChannel>() {
      @Override
      protected void initChannel(EmbeddedChannel ch) {
        Frames.install(ch.pipeline());
        ch.pipeline().addLast(handshake);
      }
    });
    int pos = 0;
    while (pos + 2 <= input.length && channel.isOpen()) {
      int length = (input[pos] & 0xFF) << 8 | input[pos + 1] & 0xFF;
      pos += 2;
      int end = Math.min(input.length, pos + length);
      channel.writeInbound(Unpooled.buffer().writeInt(length).writeBytes(input, pos, end - pos));
      pos = end;
    }
    channel.checkException();
    if (up[0]) {
      throw new AssertionError("a link authenticated on bytes that cannot answer its nonce");
    }
    channel.finishAndReleaseAll();
  }
}
