package dev.bft.core.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;

/** Length-prefixed frames: a 4-byte length, then one envelope. Frames above the limit close the link. */
public final class Frames {
  private Frames() {}

  /**
   * Also consolidates flushes: what is written to a link while an event-loop task runs leaves in
   * one write when the task ends. A client process sends the next requests of many identities from
   * the replies of one read; leaving together, they reach the primary in one read and are verified
   * by one batch equation instead of one by one.
   */
  public static void install(ChannelPipeline pipeline, int maxFrameBytes) {
    pipeline.addLast("flush-consolidation", new FlushConsolidationHandler(256, true));
    pipeline.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4));
    pipeline.addLast("frame-encoder", new LengthFieldPrepender(4));
  }

  public static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    return out;
  }

  public static ChannelFuture write(Channel channel, byte[] frame) {
    return channel.writeAndFlush(Unpooled.wrappedBuffer(frame));
  }
}
