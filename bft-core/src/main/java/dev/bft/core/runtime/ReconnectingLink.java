package dev.bft.core.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * An outbound connection that keeps itself up: a failed attempt is retried with back-off (50 ms
 * doubling to {@code maxBackoffMillis}), a closed link is re-opened, and nothing is retried once the
 * owner is closing. Each attempt's pipeline is set up afresh by {@code setup} (TLS, frames, a new handshake).
 */
public final class ReconnectingLink {
  private final EventLoopGroup group;
  private final ScheduledExecutorService scheduler;
  private final String host;
  private final int port;
  private final long maxBackoffMillis;
  private final Consumer<ChannelPipeline> setup;
  private final BooleanSupplier closing;

  public ReconnectingLink(EventLoopGroup group, ScheduledExecutorService scheduler, String host, int port,
                          long maxBackoffMillis, Consumer<ChannelPipeline> setup, BooleanSupplier closing) {
    this.group = group;
    this.scheduler = scheduler;
    this.host = host;
    this.port = port;
    this.maxBackoffMillis = maxBackoffMillis;
    this.setup = setup;
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
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, PeerLinks.OUTBOUND_LIMIT)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            setup.accept(ch.pipeline());
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
