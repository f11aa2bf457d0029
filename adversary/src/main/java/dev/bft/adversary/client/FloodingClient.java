package dev.bft.adversary.client;

import com.google.protobuf.ByteString;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.RequestBody;
import dev.bft.core.runtime.Frames;
import dev.bft.core.runtime.ClientSide;
import dev.bft.core.runtime.ReconnectingLink;
import dev.bft.core.service.KvOperation;
import dev.bft.crypto.Ed25519KeyPair;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Byzantine client: it authenticates as a client the cluster file lists (it holds that client's
 * key), then sends every replica frames at a fixed rate without waiting for replies, reconnecting
 * whenever a replica hangs up. What it attacks: the throughput of the correct clients, by making
 * replicas parse and verify work no correct client would send.
 */
public final class FloodingClient implements AutoCloseable {
  /** What the flood is made of. */
  public enum Kind {
    /** Requests with fresh numbers whose signatures do not verify: free to make, one check each to refuse. */
    BAD_SIGNATURE,
    /** Validly signed requests with fresh numbers: the flooder pays a signature for each. */
    VALID,
    /** Random bytes in well-formed length-prefixed frames. */
    MALFORMED
  }

  private static final long TICK_MILLIS = 10;
  private final ClusterConfig config;
  private final int clientId;
  private final Kind kind;
  private final int framesPerTick;
  private final MessageEncoder encoder;
  private final MessageDecoder decoder;
  private final EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "flooder");
    t.setDaemon(true);
    return t;
  });
  private final Map<Integer, Channel> links = new ConcurrentHashMap<>();
  private final SplittableRandom random = new SplittableRandom();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final Envelope templateEnvelope;
  private long requestNumber = System.currentTimeMillis() * 1000;
  private volatile boolean closed;
  private final dev.bft.core.runtime.LinkTls tls;

  /** Floods at {@code ratePerSecond} frames per replica (rounded to whole frames per 10 ms). */
  public FloodingClient(ClusterConfig config, int clientId, Ed25519KeyPair key, Kind kind, int ratePerSecond) {
    if (!config.clients().containsKey(clientId)) {
      throw new IllegalArgumentException("client " + clientId + " is not in the cluster file");
    }
    this.config = config;
    this.clientId = clientId;
    this.kind = kind;
    this.framesPerTick = Math.max(1, (int) (ratePerSecond * TICK_MILLIS / 1000));
    this.encoder = new MessageEncoder(clientId, key, dev.bft.core.message.codec.WireLimits.defaults(), config.epoch());
    this.tls = ClientSide.tls(config, key, "bft flood-client " + clientId);
    this.decoder = MessageDecoder.of(config);
    try {
      this.templateEnvelope = Envelope.parseFrom(encoder.encode(request(1)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  public void start() {
    for (int r : config.replicas().keySet()) {
      ReplicaEndpoint target = config.replica(r);
      new ReconnectingLink(io, scheduler, target.host(), target.port(), 200,
          ClientSide.link(config, tls, r, clientId, encoder, decoder, (ctx, replica, nonce) -> linkUp(ctx, replica)),
          () -> closed).start();
    }
    scheduler.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void linkUp(ChannelHandlerContext ctx, int replica) {
    links.put(replica, ctx.channel());
    connections.incrementAndGet();
    ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        ReferenceCountUtil.release(msg); // replies are of no interest
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close();
      }
    });
  }

  /** Each frame goes to every replica, as a client's request would. */
  private void tick() {
    for (int i = 0; i < framesPerTick; i++) {
      byte[] frame = null;
      for (Channel c : links.values()) {
        if (c.isActive() && c.isWritable()) {
          frame = frame == null ? frame() : frame;
          Frames.write(c, frame);
          sent.incrementAndGet();
        }
      }
    }
  }

  private Request request(long number) {
    byte[] op = new KvOperation.Put(("flood-" + clientId).getBytes(StandardCharsets.UTF_8), new byte[8]).encode();
    return Request.unsigned(clientId, number, false, op);
  }

  private byte[] frame() {
    switch (kind) {
      case VALID:
        return encoder.encode(request(++requestNumber));
      case BAD_SIGNATURE:
        // A fresh request number under the signature of another body: it cannot verify.
        Request r = request(++requestNumber);
        ByteString body = RequestBody.newBuilder().setClient(clientId).setRequestNumber(r.requestNumber())
            .setOperation(ByteString.copyFrom(r.operation())).build().toByteString();
        return templateEnvelope.toBuilder().setBody(body).build().toByteArray();
      default:
        byte[] junk = new byte[64 + random.nextInt(128)];
        random.nextBytes(junk);
        return junk;
    }
  }

  public long framesSent() {
    return sent.get();
  }

  /** Handshakes completed, over all replicas: a quarantined identity completes none, its reconnects refused at the HELLO. */
  public long connections() {
    return connections.get();
  }

  /** Links up right now. */
  public int connectedReplicas() {
    return (int) links.values().stream().filter(Channel::isActive).count();
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    links.values().forEach(Channel::close);
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
