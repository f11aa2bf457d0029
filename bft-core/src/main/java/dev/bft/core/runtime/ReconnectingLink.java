package dev.bft.core.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * An outbound connection that keeps itself up: a failed attempt is retried with back-off (50 ms
 * doubling to {@code maxBackoffMillis}), a closed link is re-opened, and nothing is retried once the
 * owner is closing. Each attempt gets a fresh handshake handler from {@code handshake}.
 */
public final class ReconnectingLink {
  private final EventLoopGroup group;
  private final ScheduledExecutorService scheduler;
  private final String host;
  private final int port;
  private final int maxFrameBytes;
  private final long maxBackoffMillis;
  private final Supplier<ChannelHandler> handshake;
  private final BooleanSupplier closing;

  public ReconnectingLink(EventLoopGroup group, ScheduledExecutorService scheduler, String host, int port,
                          int maxFrameBytes, long maxBackoffMillis, Supplier<ChannelHandler> handshake,
                          BooleanSupplier closing) {
    this.group = group;
    this.scheduler = scheduler;
    this.host = host;
    this.port = port;
    this.maxFrameBytes = maxFrameBytes;
    this.maxBackoffMillis = maxBackoffMillis;
    this.handshake = handshake;
    this.closing = closing;
  }

  public void start() {
    connect(0);
  }

  private void connect(int attempt) {
    if (closing.getAsBoolean()) {
      return;
    }
    new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(4 << 20, 8 << 20))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Frames.install(ch.pipeline(), maxFrameBytes);
            ch.pipeline().addLast(handshake.get());
          }
        }).connect(host, port).addListener(f -> {
          if (!f.isSuccess()) {
            later(() -> connect(attempt + 1), Math.min(maxBackoffMillis, 50L << Math.min(attempt, 6)));
          } else {
            ((ChannelFuture) f).channel().closeFuture().addListener(c -> later(() -> connect(0), 100));
          }
        });
  }

  private void later(Runnable reconnect, long millis) {
    if (closing.getAsBoolean()) {
      return;
    }
    try {
      scheduler.schedule(reconnect, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      // the owner is closing: nothing to reconnect
    }
  }
}
