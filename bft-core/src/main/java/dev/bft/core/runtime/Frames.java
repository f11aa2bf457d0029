package dev.bft.core.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/** Length-prefixed frames: a 4-byte length, then one envelope. Frames above the limit close the link. */
public final class Frames {
  private Frames() {}

  public static void install(ChannelPipeline pipeline, int maxFrameBytes) {
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
