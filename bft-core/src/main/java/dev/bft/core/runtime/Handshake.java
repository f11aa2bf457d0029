package dev.bft.core.runtime;

import dev.bft.core.message.Hello;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.EnvelopeHeader;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Authenticates a link before anything else crosses it, in three frames:
 * <ol>
 *   <li>the accepting side A sends a challenge: a fresh random nonce {@code nA}, unsigned (a
 *       stranger's connection costs no signature);</li>
 *   <li>the connecting side B answers {@code HELLO(B, peer=A, nA, nB)} signed by B;</li>
 *   <li>A answers {@code HELLO(A, peer=B, nB, nA)} signed by A.</li>
 * </ol>
 * Each answer covers both nonces and names both ends, so it proves its signer's presence on this
 * link only: relayed to another replica it names the wrong peer, reflected to its signer it names
 * the signer itself, and either way it is refused. Under TLS the identity a HELLO claims must also
 * be the key the peer showed TLS ({@link LinkTls#peerHolds}). A link that has not authenticated
 * within {@link #DEADLINE_MILLIS} is closed, and until then its frames are held to
 * {@link Frames#PRE_AUTHENTICATION_LIMIT}.
 */
public final class Handshake extends ChannelInboundHandlerAdapter {
  public static final long DEADLINE_MILLIS = 5_000;
  static final int NONCE_BYTES = 32;
  /** "BFT1": the first four bytes of a challenge frame. */
  private static final int CHALLENGE_MAGIC = 0x42465431;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A link that passed the handshake: its peer, and the nonce further identities answer on it. */
  @FunctionalInterface
  public interface Established {
    void accept(ChannelHandlerContext ctx, int peer, byte[] linkNonce);
  }

  /** Fired down the pipeline when the link is authenticated (the pre-authentication gate releases its slot). */
  public enum Authenticated { EVENT }

  /** What the two sides know of the link before it is authenticated. */
  public record Ends(int self, MessageEncoder encoder, MessageDecoder decoder, IdentityCheck keys, int maxFrameBytes) {}

  /** Whether the link's TLS peer holds the key of {@code id} (always true without TLS). */
  @FunctionalInterface
  public interface IdentityCheck {
    boolean holds(ChannelHandlerContext ctx, int id);
  }

  private final boolean accepting;
  private final Ends ends;
  private final int expectedPeer;
  private final IntPredicate refused;
  private final Consumer<String> refusals;
  private final Established established;
  private final byte[] ownNonce = new byte[NONCE_BYTES];
  private byte[] peerNonce;
  private ScheduledFuture<?> deadline;
  private boolean done;

  private Handshake(boolean accepting, Ends ends, int expectedPeer, IntPredicate refused, Consumer<String> refusals,
                    Established established) {
    this.accepting = accepting;
    this.ends = ends;
    this.expectedPeer = expectedPeer;
    this.refused = refused;
    this.refusals = refusals;
    this.established = established;
    RANDOM.nextBytes(ownNonce);
  }

  /**
   * The side that accepted the connection: challenges, learns who the peer is. {@code refused}
   * names claimed peers hung up on before their answer's signature is checked (a quarantined
   * client, a replica that should not be connecting to this one); {@code refusals} counts each
   * refusal by reason.
   */
  public static Handshake accepting(Ends ends, IntPredicate refused, Consumer<String> refusals, Established established) {
    return new Handshake(true, ends, -1, refused, refusals, established);
  }

  /**
   * The side that connected to {@code replica}, as {@code ends.self()} (a replica, or the first
   * client identity of a process): answers the challenge, checks that it reached that replica.
   */
  public static Handshake connecting(Ends ends, int replica, Consumer<String> refusals, Established established) {
    return new Handshake(false, ends, replica, id -> false, refusals, established);
  }

  /** The challenge frame posing {@code nonce}. */
  public static byte[] challenge(byte[] nonce) {
    return ByteBuffer.allocate(4 + NONCE_BYTES).putInt(CHALLENGE_MAGIC).put(nonce).array();
  }

  /** The nonce a challenge frame poses, or null if the frame is not a challenge. */
  public static byte[] challengeNonce(byte[] frame) {
    if (frame.length != 4 + NONCE_BYTES || ByteBuffer.wrap(frame).getInt() != CHALLENGE_MAGIC) {
      return null;
    }
    return java.util.Arrays.copyOfRange(frame, 4, frame.length);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    deadline = ctx.executor().schedule(() -> refuse(ctx, ShellRefusal.HANDSHAKE_TIMEOUT.name()), DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    if (accepting) {
      Frames.write(ctx.channel(), challenge(ownNonce));
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    byte[] frame = Frames.bytes((ByteBuf) msg);
    ((ByteBuf) msg).release();
    if (done) {
      return; // frames already cut behind a refusal
    }
    if (accepting) {
      onAnswer(ctx, frame);
    } else if (peerNonce == null) {
      onChallenge(ctx, frame);
    } else {
      onAcceptorAnswer(ctx, frame);
    }
  }

  /** Step 2 at the acceptor. */
  private void onAnswer(ChannelHandlerContext ctx, byte[] frame) {
    EnvelopeHeader claimed = EnvelopeHeader.peek(frame);
    int peer = claimed == null ? -1 : claimed.sender();
    if (peer == ends.self()) {
      refuse(ctx, ShellRefusal.HELLO_REFLECTED.name());
      return;
    }
    if (claimed == null || refused.test(peer)) {
      refuse(ctx, (claimed == null ? ShellRefusal.HELLO_MALFORMED : ShellRefusal.HELLO_REFUSED).name());
      return;
    }
    Hello hello = hello(ctx, frame, peer);
    if (hello == null) {
      return;
    }
    if (!MessageDigest.isEqual(hello.nonce(), ownNonce)) {
      refuse(ctx, ShellRefusal.HELLO_WRONG_NONCE.name());
      return;
    }
    if (hello.ownNonce().length != NONCE_BYTES) {
      refuse(ctx, ShellRefusal.HELLO_MALFORMED.name());
      return;
    }
    Frames.write(ctx.channel(), ends.encoder().encode(new Hello(ends.self(), peer, hello.ownNonce(), ownNonce, null)));
    up(ctx, peer);
  }

  /** Step 1 at the connector. */
  private void onChallenge(ChannelHandlerContext ctx, byte[] frame) {
    peerNonce = challengeNonce(frame);
    if (peerNonce == null) {
      refuse(ctx, ShellRefusal.CHALLENGE_MALFORMED.name());
      return;
    }
    Frames.write(ctx.channel(), ends.encoder().encode(new Hello(ends.self(), expectedPeer, peerNonce, ownNonce, null)));
  }

  /** Step 3 at the connector. */
  private void onAcceptorAnswer(ChannelHandlerContext ctx, byte[] frame) {
    Hello hello = hello(ctx, frame, expectedPeer);
    if (hello == null) {
      return;
    }
    if (!MessageDigest.isEqual(hello.nonce(), ownNonce) || !MessageDigest.isEqual(hello.ownNonce(), peerNonce)) {
      refuse(ctx, ShellRefusal.HELLO_WRONG_NONCE.name());
      return;
    }
    up(ctx, expectedPeer);
  }

  /** The frame as a HELLO signed by {@code from}, addressed to this side and, under TLS, by the key TLS saw; else null, link refused. */
  private Hello hello(ChannelHandlerContext ctx, byte[] frame, int from) {
    DecodeResult r = ends.decoder().decode(frame, from);
    if (!(r instanceof DecodeResult.Accepted a) || !(a.message() instanceof Hello hello)) {
      refuse(ctx, ShellRefusal.HELLO_INVALID.name()); // the first frames must be valid HELLOs; nothing else is read from a stranger
      return null;
    }
    if (hello.peer() != ends.self()) {
      refuse(ctx, ShellRefusal.HELLO_WRONG_PEER.name());
      return null;
    }
    if (!ends.keys().holds(ctx, from)) {
      refuse(ctx, ShellRefusal.TLS_KEY_MISMATCH.name());
      return null;
    }
    return hello;
  }

  private void up(ChannelHandlerContext ctx, int peer) {
    done = true;
    cancelDeadline();
    Frames.authenticated(ctx.pipeline(), ends.maxFrameBytes());
    ctx.pipeline().fireUserEventTriggered(Authenticated.EVENT);
    byte[] linkNonce = accepting ? ownNonce : peerNonce;
    ctx.pipeline().remove(this);
    established.accept(ctx, peer, linkNonce.clone());
  }

  private void refuse(ChannelHandlerContext ctx, String reason) {
    if (!done) {
      done = true;
      refusals.accept(reason);
    }
    cancelDeadline();
    ctx.close();
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Error) {
      ctx.fireExceptionCaught(cause); // ours, not the peer's: the link's last handler stops the process
    } else {
      refuse(ctx, ShellRefusal.LINK_ERROR.name());
    }
  }
}
