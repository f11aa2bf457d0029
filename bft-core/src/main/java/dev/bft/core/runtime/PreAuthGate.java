package dev.bft.core.runtime;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Bounds what strangers can hold of a replica: connections that have not authenticated yet, at most
 * {@code perSource} from one address and {@code total} in all, and new connections from one address
 * at most {@code perSecond} a second (bursts of twice that): each costs the replica a TLS handshake,
 * a signature. A connection over a bound is closed at once, before TLS or a challenge costs
 * anything; one that authenticates (or closes) gives its place back. With the handshake deadline
 * and the pre-authentication frame limit, a stranger holds at most {@code total} sockets of about a
 * kilobyte each, for five seconds each.
 */
@ChannelHandler.Sharable
final class PreAuthGate extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<InetAddress> HELD = AttributeKey.valueOf("bft.preauth");
  private final int perSource;
  private final int total;
  private final Consumer<String> refusals;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> bySource = new ConcurrentHashMap<>();
  private final AtomicInteger all = new AtomicInteger();
  private final double perSecond;
  /** Per address: tokens left and when they were counted (nanoTime); addresses with a full bucket may be forgotten. */
  private final ConcurrentHashMap<InetAddress, double[]> rate = new ConcurrentHashMap<>();

  PreAuthGate(int perSource, int total, double perSecond, Consumer<String> refusals) {
    this.perSource = perSource;
    this.total = total;
    this.perSecond = perSecond;
    this.refusals = refusals;
  }

  /** Takes a connection token of {@code source}; false when it has none left. */
  private boolean admitted(InetAddress source) {
    long now = System.nanoTime();
    double burst = 2 * perSecond;
    if (rate.size() > 4096) { // a full bucket is as good as none: forget those, so many addresses cost no memory
      rate.values().removeIf(b -> b[0] + (now - (long) b[1]) * perSecond / 1e9 >= burst);
    }
    boolean[] ok = new boolean[1];
    rate.compute(source, (a, b) -> {
      double[] bucket = b == null ? new double[] {burst, now} : b;
      bucket[0] = Math.min(burst, bucket[0] + (now - (long) bucket[1]) * perSecond / 1e9);
      bucket[1] = now;
      ok[0] = bucket[0] >= 1;
      if (ok[0]) {
        bucket[0] -= 1;
      }
      return bucket;
    });
    return ok[0];
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress source = address(ctx.channel().remoteAddress());
    if (!admitted(source)) {
      refusals.accept(ShellRefusal.PRE_AUTH_RATE.name());
      ctx.close();
      return;
    }
    int[] fromSource = new int[1];
    bySource.compute(source, (a, n) -> {
      AtomicInteger held = n == null ? new AtomicInteger() : n;
      fromSource[0] = held.incrementAndGet();
      return held;
    });
    if (fromSource[0] > perSource | all.incrementAndGet() > total) {
      giveBack(source);
      refusals.accept(ShellRefusal.PRE_AUTH_CONNECTIONS.name());
      ctx.close();
      return;
    }
    ctx.channel().attr(HELD).set(source);
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == Handshake.Authenticated.EVENT) {
      release(ctx);
      ctx.pipeline().remove(this);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release(ctx);
    super.channelInactive(ctx);
  }

  private void release(ChannelHandlerContext ctx) {
    InetAddress source = ctx.channel().attr(HELD).getAndSet(null);
    if (source != null) {
      giveBack(source);
    }
  }

  private void giveBack(InetAddress source) {
    all.decrementAndGet();
    bySource.computeIfPresent(source, (a, n) -> n.decrementAndGet() == 0 ? null : n);
  }

  /** Connections held now that have not authenticated (for tests and metrics). */
  int held() {
    return all.get();
  }

  private static InetAddress address(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getAddress() : InetAddress.getLoopbackAddress();
  }
}
