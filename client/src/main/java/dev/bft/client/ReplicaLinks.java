package dev.bft.client;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.message.Hello;
import dev.bft.core.message.codec.EnvelopeHeader;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.runtime.Frames;
import dev.bft.core.runtime.ClientSide;
import dev.bft.core.runtime.LinkTls;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.core.runtime.ReconnectingLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One connection per replica for every client identity of a process. Each identity proves itself
 * on a connection by a HELLO answering the replica's nonce (when it registers, or when the
 * connection comes up again); the replica then takes that identity's requests on it and sends its
 * replies over it, so the replies of a batch to many identities leave in one write and arrive in
 * one read. A reply is routed by the client it names; the identity's own client checks it.
 */
final class ReplicaLinks implements AutoCloseable {
  /** Where a client identity's replies from one replica go. */
  @FunctionalInterface
  interface ReplySink {
    void reply(int replica, byte[] frame);
  }

  private record Identity(MessageEncoder encoder, ReplySink sink) {}

  /** A replica's current connection, the nonce identities answer on it, and those that did. */
  private record Connected(Channel channel, byte[] nonce, Set<Integer> joined) {}

  private final ClusterConfig config;
  private final EventLoopGroup io;
  private final ScheduledExecutorService timers;
  private final MessageDecoder decoder;
  private final Map<Integer, Identity> identities = new ConcurrentHashMap<>();
  private final Connected[] connected;
  /** The identity that authenticates each connection (the first registered); the others join on it. */
  private int first = -1;
  private LinkTls tls;
  private volatile boolean closed;

  ReplicaLinks(ClusterConfig config, EventLoopGroup io, ScheduledExecutorService timers, MessageDecoder decoder) {
    this.config = config;
    this.io = io;
    this.timers = timers;
    this.decoder = decoder;
    this.connected = new Connected[config.n()];
  }

  /** Adds an identity: it joins every connection that is up now, and each one that comes up later. */
  synchronized void register(int clientId, Ed25519KeyPair key, MessageEncoder encoder, ReplySink sink) {
    if (identities.putIfAbsent(clientId, new Identity(encoder, sink)) != null) {
      throw new IllegalStateException("client " + clientId + " already has a client on these resources");
    }
    if (first < 0) {
      first = clientId;
      tls = ClientSide.tls(config, key, "bft client " + clientId);
      for (int r = 0; r < config.n(); r++) {
        connect(r, clientId, encoder);
      }
    }
    for (int r = 0; r < connected.length; r++) {
      Connected c = connected[r];
      if (c != null && c.joined().add(clientId)) {
        Frames.write(c.channel(), encoder.encode(Hello.join(clientId, r, c.nonce())));
      }
    }
  }

  /** The identity's replies are dropped from now on; the replicas forget it when the connection ends. */
  void unregister(int clientId) {
    identities.remove(clientId);
  }

  /** The connection to {@code replica} on which {@code clientId} has proven itself, or null. */
  synchronized Channel channel(int replica, int clientId) {
    Connected c = connected[replica];
    return c != null && c.channel().isActive() && c.joined().contains(clientId) ? c.channel() : null;
  }

  /** Keeps a connection to {@code replica} up, each one authenticated by {@code clientId} (and its TLS key). */
  private void connect(int replica, int clientId, MessageEncoder encoder) {
    ReplicaEndpoint target = config.replica(replica);
    new ReconnectingLink(io, timers, target.host(), target.port(), 1000,
        ClientSide.link(config, tls, replica, clientId, encoder, decoder, this::linkUp), () -> closed).start();
  }

  private synchronized void linkUp(ChannelHandlerContext ctx, int replica, byte[] nonce) {
    if (closed) {
      ctx.close(); // a connection that completed after close() must not outlive its owner on shared I/O threads
      return;
    }
    Channel channel = ctx.channel();
    Set<Integer> joined = new HashSet<>(identities.keySet());
    joined.add(first); // by the handshake
    for (int id : joined) {
      if (id != first) {
        channel.write(Unpooled.wrappedBuffer(identities.get(id).encoder().encode(Hello.join(id, replica, nonce))));
      }
    }
    channel.flush();
    connected[replica] = new Connected(channel, nonce.clone(), joined);
    ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        byte[] frame = Frames.bytes((ByteBuf) msg);
        ((ByteBuf) msg).release();
        if (dev.bft.core.message.codec.EpochNotice.is(frame)) {
          // for every identity on this link: the epoch ended for all of them
          identities.values().forEach(i -> i.sink().reply(replica, frame));
          return;
        }
        Identity to = identities.get(EnvelopeHeader.replyClient(frame));
        if (to != null) {
          to.sink().reply(replica, frame);
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext c) {
        synchronized (ReplicaLinks.this) {
          if (connected[replica] != null && connected[replica].channel() == c.channel()) {
            connected[replica] = null;
          }
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close();
      }
    });
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Connected c : connected) {
      if (c != null) {
        c.channel().close();
      }
    }
  }
}
