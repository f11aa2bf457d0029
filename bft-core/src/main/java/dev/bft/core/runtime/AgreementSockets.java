package dev.bft.core.runtime;

import dev.bft.core.agreement.AgreementCodec;
import dev.bft.core.agreement.AgreementMessage;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.RoundTransport;
import dev.bft.core.agreement.SignedOrder;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the generals' rounds over real TCP sockets on loopback: every general listens on its own
 * port chosen at run time and holds a connection to every other; each message travels as a signed
 * ORAL-MESSAGE or SIGNED-ORDER envelope and is decoded and verified by its receiver. A round ends
 * when every message sent in it has been received or the round timeout passed (lost messages count
 * as the default value, as in the synchronous model).
 */
public final class AgreementSockets<M extends AgreementMessage> implements RoundTransport<M>, AutoCloseable {
  private record Arrival(int receiver, byte[] frame) {}

  private final int n;
  private final Ed25519KeyPair[] keys;
  private final AgreementCodec codec;
  private final boolean signed;
  private final long roundTimeoutMillis;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<Channel> servers = new ArrayList<>();
  private final Channel[][] links;
  private final LinkedBlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();

  /** Opens n listening sockets and connects every general to every other. */
  public AgreementSockets(Ed25519KeyPair[] keys, boolean signed, long roundTimeoutMillis) throws InterruptedException {
    this.n = keys.length;
    this.keys = keys;
    this.signed = signed;
    this.roundTimeoutMillis = roundTimeoutMillis;
    Map<Integer, Ed25519PublicKey> publicKeys = new HashMap<>();
    for (int i = 0; i < n; i++) {
      publicKeys.put(i, keys[i].publicKey());
    }
    this.codec = new AgreementCodec(publicKeys);
    this.links = new Channel[n][n];
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) {
      int receiver = i;
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              Frames.install(ch.pipeline(), 1 << 20);
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  byte[] frame = Frames.bytes((ByteBuf) msg);
                  ((ByteBuf) msg).release();
                  arrivals.add(new Arrival(receiver, frame));
                }
              });
            }
          }).bind("127.0.0.1", 0).sync().channel();
      servers.add(server);
      ports[i] = ((InetSocketAddress) server.localAddress()).getPort();
    }
    for (int from = 0; from < n; from++) {
      for (int to = 0; to < n; to++) {
        if (from != to) {
          links[from][to] = new Bootstrap().group(group).channel(NioSocketChannel.class)
              .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  Frames.install(ch.pipeline(), 1 << 20);
                }
              }).connect("127.0.0.1", ports[to]).sync().channel();
        }
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<List<M>> carry(int round, List<M> sent, int generals) {
    for (M msg : sent) {
      byte[] frame = msg instanceof OralMessage o ? AgreementCodec.encode(o, keys[o.from()])
          : AgreementCodec.encode((SignedOrder) msg, keys[msg.from()]);
      Frames.write(links[msg.from()][msg.to()], frame);
    }
    List<List<M>> inboxes = new ArrayList<>();
    for (int i = 0; i < generals; i++) {
      inboxes.add(new ArrayList<>());
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(roundTimeoutMillis);
    int received = 0;
    while (received < sent.size()) {
      Arrival a;
      try {
        a = arrivals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (a == null) {
        break; // the round is over; what did not arrive is lost
      }
      received++;
      var decoded = signed ? codec.decodeSigned(a.frame(), a.receiver()) : codec.decodeOral(a.frame(), a.receiver());
      decoded.ifPresent(m -> inboxes.get(a.receiver()).add((M) m));
    }
    return inboxes;
  }

  @Override
  public void close() {
    servers.forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
