package dev.bft.core.runtime;

import dev.bft.core.message.Hello;
import dev.bft.core.message.Message;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.EnvelopeHeader;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;

/**
 * Authenticates a link before anything else crosses it. The accepting side sends HELLO with a
 * fresh random nonce, signed with its key; the connecting side checks that it reached the replica
 * it meant to, and answers HELLO with that nonce, signed with its own key. The acceptor then knows
 * the peer's id: every later frame on the link must carry that sender, or it is rejected. A client
 * process may carry several client identities on one link: each further identity answers the
 * same nonce with a HELLO of its own, at any time (see {@code ReplicaNode}).
 */
public final class Handshake extends ChannelInboundHandlerAdapter {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final boolean accepting;
  private final int self;
  private final int expectedPeer;
  private final MessageEncoder encoder;
  private final MessageDecoder decoder;
  private final Established established;
  private final IntPredicate refused;
  private byte[] nonce;

  /** A link that passed the handshake: its peer, and the nonce further identities answer on it. */
  @FunctionalInterface
  public interface Established {
    void accept(ChannelHandlerContext ctx, int peer, byte[] nonce);
  }

  private Handshake(boolean accepting, int self, int expectedPeer, MessageEncoder encoder, MessageDecoder decoder,
                    IntPredicate refused, Established established) {
    this.accepting = accepting;
    this.self = self;
    this.expectedPeer = expectedPeer;
    this.encoder = encoder;
    this.decoder = decoder;
    this.established = established;
    this.refused = refused;
  }

  /**
   * The side that accepted the connection: challenges, learns who the peer is. A peer that
   * {@code refused} names is hung up on before its answer's signature is checked.
   */
  public static Handshake accepting(int self, MessageEncoder encoder, MessageDecoder decoder, IntPredicate refused,
                                    Established established) {
    return new Handshake(true, self, -1, encoder, decoder, refused, established);
  }

  /** The side that connected to {@code replica}: checks it is that replica, answers the challenge. */
  public static Handshake connecting(int self, int replica, MessageEncoder encoder, MessageDecoder decoder,
                                     BiConsumer<ChannelHandlerContext, Integer> established) {
    return new Handshake(false, self, replica, encoder, decoder, id -> false,
        (ctx, peer, nonce) -> established.accept(ctx, peer));
  }

  /**
   * The side that connected to {@code replica} for identities it names later: checks it is that
   * replica and hands over the nonce, which {@code established} answers with a HELLO per identity.
   */
  public static Handshake connectingForIdentities(int replica, MessageDecoder decoder, Established established) {
    return new Handshake(false, -1, replica, null, decoder, id -> false, established);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (accepting) {
      nonce = new byte[32];
      RANDOM.nextBytes(nonce);
      Frames.write(ctx.channel(), encoder.encode(new Hello(self, nonce, null)));
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    byte[] frame = Frames.bytes((ByteBuf) msg);
    ((ByteBuf) msg).release();
    EnvelopeHeader claimed = EnvelopeHeader.peek(frame);
    if (accepting && refused.test(claimed == null ? -1 : claimed.sender())) {
      ctx.close();
      return;
    }
    DecodeResult r = decoder.decode(frame, accepting ? -1 : expectedPeer);
    Message m = r instanceof DecodeResult.Accepted a ? a.message() : null;
    if (!(m instanceof Hello hello)) {
      ctx.close(); // the first frame must be a valid HELLO; nothing else is read from a stranger
      return;
    }
    if (accepting) {
      if (!Arrays.equals(hello.nonce(), nonce)) {
        ctx.close();
        return;
      }
      ctx.pipeline().remove(this);
      established.accept(ctx, hello.sender(), nonce);
    } else {
      if (encoder != null) {
        Frames.write(ctx.channel(), encoder.encode(new Hello(self, hello.nonce(), null)));
      }
      ctx.pipeline().remove(this);
      established.accept(ctx, expectedPeer, hello.nonce());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
