package dev.bft.core.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.List;

/**
 * Length-prefixed frames: a 4-byte length, then one envelope. A link starts with a small limit, so
 * that a stranger can make a replica buffer no more than a handshake's worth of bytes; the limit is
 * raised only once the peer has authenticated. A frame above the limit closes the link.
 */
public final class Frames {
  /** What a handshake frame may take before the peer is known: a challenge or a HELLO is ~200 bytes. */
  public static final int PRE_AUTHENTICATION_LIMIT = 1024;

  private Frames() {}

  /**
   * Also consolidates flushes: what is written to a link while an event-loop task runs leaves in
   * one write when the task ends. A client process sends the next requests of many identities from
   * the replies of one read; leaving together, they reach the primary in one read and are verified
   * by one batch equation instead of one by one.
   */
  public static void install(ChannelPipeline pipeline) {
    install(pipeline, PRE_AUTHENTICATION_LIMIT);
  }

  /** With {@code limit} from the start: for links with no handshake, whose every message is signed (the agreement demo). */
  public static void install(ChannelPipeline pipeline, int limit) {
    pipeline.addLast("flush-consolidation", new FlushConsolidationHandler(256, true));
    pipeline.addLast("frame-decoder", new Decoder(limit));
    pipeline.addLast("frame-encoder", new LengthFieldPrepender(4));
  }

  /** The peer is authenticated: its frames may now be as large as {@code maxFrameBytes}. */
  public static void authenticated(ChannelPipeline pipeline, int maxFrameBytes) {
    Decoder d = pipeline.get(Decoder.class);
    if (d != null) {
      d.limit = maxFrameBytes;
    }
  }

  public static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    return out;
  }

  public static ChannelFuture write(Channel channel, byte[] frame) {
    return channel.writeAndFlush(Unpooled.wrappedBuffer(frame));
  }

  /**
   * Splits the stream into frames under a limit that may rise while bytes are buffered: the frames
   * behind an authenticating HELLO in the same read are cut under the raised limit, since each
   * frame is passed on before the next is cut.
   */
  static final class Decoder extends ByteToMessageDecoder {
    private volatile int limit;

    Decoder(int limit) {
      this.limit = limit;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < 4) {
        return;
      }
      long length = in.getUnsignedInt(in.readerIndex());
      if (length > limit) {
        in.skipBytes(in.readableBytes());
        ctx.close();
        return;
      }
      if (in.readableBytes() < 4 + length) {
        return;
      }
      in.skipBytes(4);
      out.add(in.readRetainedSlice((int) length));
    }
  }
}
