package dev.bft.client.net;

import dev.bft.core.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay that listens at one address and forwards every connection to another, holding each
 * direction's bytes back by a {@link LinkDelay}: what a wide-area link between the dialer and the
 * target would do to them, without netem. Per connection and direction, bytes leave in the order
 * they came (release times never decrease, whatever the jitter draws), a side whose held-back bytes
 * pass {@link #maxDelayedBytes()} is not read until half of them left (so a fast sender facing a
 * slow link fills its own socket buffer, as over a real one, rather than this process's memory),
 * and a side that closes closes the other one once the bytes before it have left.
 *
 * <p>Both sockets of a connection live on one event-loop thread, which owns all of that
 * connection's state.
 */
public final class DelayRelay implements AutoCloseable {
  /** Per direction of a connection: a few of this codebase's largest frames in flight across an ocean. */
  public static final int DEFAULT_MAX_DELAYED_BYTES = 8 << 20;
  /** Most bytes one socket read takes, so a side is stopped at most this far past the bound. */
  static final int MAX_READ = 64 * 1024;
  /** How long a closing side's last bytes may wait for a peer that does not read them before it is closed anyway. */
  static final long CLOSE_GRACE_MILLIS = 5_000;

  private final EventLoopGroup group;
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel server;
  private final HostPort target;
  private final LinkDelay delay;
  private final int maxDelayedBytes;
  private final Random random;
  private final AtomicLong peakDelayedBytes = new AtomicLong();
  private final AtomicInteger accepted = new AtomicInteger();

  private DelayRelay(HostPort listen, HostPort target, LinkDelay delay, int maxDelayedBytes, Random random) throws IOException {
    if (maxDelayedBytes < MAX_READ) {
      throw new IllegalArgumentException("a relay holding back at most " + maxDelayedBytes + " bytes per direction cannot take one read of "
          + MAX_READ);
    }
    this.target = target;
    this.delay = delay;
    this.maxDelayedBytes = maxDelayedBytes;
    this.random = random;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.AUTO_READ, false) // nothing is read before the target answers
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads())
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel dialer) {
              accepted.incrementAndGet();
              open.add(dialer);
              connectTarget(dialer);
            }
          })
          .bind(new InetSocketAddress(listen.host(), listen.port())).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("relay cannot listen at " + listen + ": " + e.getMessage(), e);
    }
  }

  /** Listens at {@code listen} and forwards to {@code target}, delaying each direction by {@code oneWayDelay} ± {@code jitter}. */
  public static DelayRelay start(HostPort listen, HostPort target, Duration oneWayDelay, Duration jitter) throws IOException {
    return start(listen, target, new LinkDelay(oneWayDelay, jitter), DEFAULT_MAX_DELAYED_BYTES, new Random());
  }

  public static DelayRelay start(HostPort listen, HostPort target, LinkDelay delay, int maxDelayedBytes, Random random)
      throws IOException {
    return new DelayRelay(listen, target, delay, maxDelayedBytes, random);
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public LinkDelay delay() {
    return delay;
  }

  public int maxDelayedBytes() {
    return maxDelayedBytes;
  }

  /** The most bytes one direction of one connection has held back at once so far. */
  public long peakDelayedBytes() {
    return peakDelayedBytes.get();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  private static AdaptiveRecvByteBufAllocator reads() {
    return new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ);
  }

  private void connectTarget(Channel dialer) {
    new Bootstrap().group(dialer.eventLoop()).channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.RCVBUF_ALLOCATOR, reads())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(target.host(), target.port())
        .addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            dialer.close(); // the target is down: the dialer sees its link fail, as it would without us
            return;
          }
          Channel toTarget = f.channel();
          open.add(toTarget);
          dialer.pipeline().addLast(new Direction(dialer, toTarget));
          toTarget.pipeline().addLast(new Direction(toTarget, dialer));
          if (!dialer.isActive()) {
            toTarget.close();
            return;
          }
          dialer.config().setAutoRead(true);
          toTarget.config().setAutoRead(true);
        });
  }

  /** Bytes read from one side waiting for their release time, then written to the other side in order. */
  private final class Direction extends ChannelInboundHandlerAdapter {
    private final Channel from;
    private final Channel to;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long lastRelease = Long.MIN_VALUE;
    private long delayedBytes;
    private boolean drainScheduled;
    private boolean closing;

    Direction(Channel from, Channel to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf bytes) || closing) {
        ReferenceCountUtil.release(msg);
        return;
      }
      long now = System.nanoTime();
      // Never before the bytes ahead of these: jitter delays, it does not reorder.
      long release = Math.max(now + delay.sampleNanos(random), lastRelease);
      lastRelease = release;
      int size = bytes.readableBytes();
      delayedBytes += size;
      peakDelayedBytes.accumulateAndGet(delayedBytes, Math::max);
      if (delayedBytes > maxDelayedBytes) {
        from.config().setAutoRead(false);
      }
      hold(new Held(bytes, size, release), now);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!closing) {
        closing = true;
        // The close travels behind the last bytes, as a FIN would.
        long now = System.nanoTime();
        hold(new Held(null, 0, Math.max(now + delay.oneWay().toNanos(), lastRelease)), now);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset or an I/O error on one side ends the connection; channelInactive passes it on
    }

    private void hold(Held h, long now) {
      held.addLast(h);
      if (!drainScheduled) {
        drainScheduled = true;
        from.eventLoop().schedule(this::drain, Math.max(0, h.release - now), TimeUnit.NANOSECONDS);
      }
    }

    private void drain() {
      drainScheduled = false;
      long now = System.nanoTime();
      boolean wrote = false;
      while (!held.isEmpty() && held.peekFirst().release - now <= 0) {
        Held h = held.pollFirst();
        if (h.bytes == null) {
          closeWhenWritten();
          held.forEach(Held::discard);
          held.clear();
          return;
        }
        to.write(h.bytes).addListener(f -> released(h.size));
        wrote = true;
      }
      if (wrote) {
        to.flush();
      }
      if (!held.isEmpty()) {
        drainScheduled = true;
        from.eventLoop().schedule(this::drain, held.peekFirst().release - now, TimeUnit.NANOSECONDS);
      }
    }

    private void released(int size) {
      delayedBytes -= size;
      if (delayedBytes <= maxDelayedBytes / 2 && from.isActive() && !from.config().isAutoRead()) {
        from.config().setAutoRead(true);
      }
    }

    private void closeWhenWritten() {
      if (!to.isActive()) {
        return;
      }
      to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      // A side that stopped reading must not keep a closed connection's other half open for ever.
      to.eventLoop().schedule(() -> to.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Bytes (or, when null, the close) due to leave at {@code release} (System.nanoTime). */
  private record Held(ByteBuf bytes, int size, long release) {
    void discard() {
      if (bytes != null) {
        bytes.release();
      }
    }
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "relay :" + port() + " -> " + target + " (" + delay.describe() + ")";
  }
}
