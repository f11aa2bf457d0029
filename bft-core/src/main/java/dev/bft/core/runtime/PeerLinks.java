package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.HostPort;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.core.message.Hello;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.EnvelopeHeader;
import dev.bft.core.message.codec.Rejection;
import dev.bft.core.protocol.Quorum;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's links: it listens for lower replicas and clients, connects to every higher replica,
 * authenticates each link ({@link Handshake}, under TLS when on) before reading anything else from
 * it, and hands each frame of an authenticated peer to the verification queue under that peer's
 * name. Strangers are held to the {@link PreAuthGate}'s bounds; clients that prove faulty on their
 * own link are quarantined.
 */
final class PeerLinks {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
  /** Per link: above 8 MiB queued, a link is unwritable and further messages to it are dropped and counted. */
  static final WriteBufferWaterMark OUTBOUND_LIMIT = new WriteBufferWaterMark(4 << 20, 8 << 20);
  /** Unauthenticated connections held at once from one address, and in all. */
  static final int PRE_AUTH_PER_SOURCE = 16;
  static final int PRE_AUTH_TOTAL = 256;
  /** New connections per second from one address (twice that in a burst). */
  static final double CONNECTIONS_PER_SECOND = 50;

  private final ClusterConfig config;
  private final int self;
  private final Quorum quorum;
  private final Handshake.Ends ends;
  private final LinkTls tls;
  private final FairVerificationQueue<Inbound> verification;
  private final Consumer<String> refusals;
  private final Supervisor supervisor;
  private final Runnable clientSessionOpened;
  private final Reach reach;
  private final PreAuthGate gate;
  private final Channel[] peers;
  /** The link each client identity last proved itself on; several identities may share one. */
  private final Map<Integer, ClientLink> clients = new ConcurrentHashMap<>();
  /** Clients that sent what no correct client sends on its own link: refused for a while. */
  private final ClientQuarantine quarantine = new ClientQuarantine(10_000, System::nanoTime);
  private volatile boolean closed;
  private Channel server;

  /** Told, in the order they happen, when a replica's link comes up or goes (and once at start, of this replica). */
  @FunctionalInterface
  interface Reach {
    void linked(int replica, boolean up);
  }

  PeerLinks(ClusterConfig config, int self, Handshake.Ends ends, LinkTls tls, FairVerificationQueue<Inbound> verification,
            Consumer<String> refusals, Supervisor supervisor, Runnable clientSessionOpened, Reach reach) {
    this.config = config;
    this.self = self;
    this.quorum = new Quorum(config.n(), config.f());
    this.ends = ends;
    this.tls = tls;
    this.verification = verification;
    this.refusals = refusals;
    this.supervisor = supervisor;
    this.clientSessionOpened = clientSessionOpened;
    this.reach = reach;
    this.gate = new PreAuthGate(PRE_AUTH_PER_SOURCE, PRE_AUTH_TOTAL, CONNECTIONS_PER_SECOND, refusals);
    this.peers = new Channel[config.n()];
  }

  /** Listens on {@code bind} and connects to the higher replicas. */
  void start(EventLoopGroup group, ScheduledExecutorService scheduler, HostPort bind) throws InterruptedException {
    reach.linked(self, true); // links are counted from now on: none is up yet
    ReplicaEndpoint me = config.replica(self);
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, OUTBOUND_LIMIT)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("gate", gate);
            if (tls != null) {
              tls.accepting(p);
            }
            Frames.install(p);
            p.addLast("handshake", Handshake.accepting(ends, PeerLinks.this::refusedBeforeVerifying, refusals,
                PeerLinks.this::linkUp));
            p.addLast("faults", supervisor.linkFaults(refusals));
          }
        }).bind(bind.host(), bind.port()).sync().channel();
    for (int peer = self + 1; peer < config.n(); peer++) {
      ReplicaEndpoint target = config.replica(peer);
      int to = peer;
      new ReconnectingLink(group, scheduler, target.host(), target.port(), 2000, p -> {
        if (tls != null) {
          tls.connecting(p, target.host(), target.port());
        }
        Frames.install(p);
        p.addLast("handshake", Handshake.connecting(ends, to, refusals, (ctx, id, nonce) -> replicaLinkUp(ctx, id)));
        p.addLast("faults", supervisor.linkFaults(refusals));
      }, () -> closed).start();
    }
  }

  /**
   * Claimed peers hung up on before their HELLO's signature is checked: a replica with a higher id
   * (this replica connects to those itself, so a link from one is not the protocol's) and a
   * quarantined client.
   */
  private boolean refusedBeforeVerifying(int claimed) {
    return quorum.isReplica(claimed) ? claimed > self : quarantine.refuses(claimed);
  }

  Channel replica(int id) {
    return peers[id];
  }

  Channel client(int id) {
    ClientLink link = clients.get(id);
    return link == null ? null : link.channel();
  }

  /** Unauthenticated connections held now. */
  int preAuthenticated() {
    return gate.held();
  }

  /** Clients refused right now. */
  int quarantined() {
    return quarantine.size();
  }

  private void linkUp(ChannelHandlerContext ctx, int peer, byte[] nonce) {
    if (quorum.isReplica(peer)) {
      replicaLinkUp(ctx, peer);
    } else {
      clientLinkUp(ctx, peer, new ClientLink(ctx.channel(), nonce, peer));
    }
  }

  /** The newest authenticated link of a replica is its link: the replica chose to reconnect, so the older one is stale. */
  private void replicaLinkUp(ChannelHandlerContext ctx, int peer) {
    Channel previous;
    synchronized (peers) {
      previous = peers[peer];
      peers[peer] = ctx.channel();
      reach.linked(peer, true);
    }
    if (previous != null && previous != ctx.channel()) {
      previous.close();
    }
    ctx.pipeline().addBefore("faults", "replica-" + peer, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        byte[] frame = Frames.bytes((ByteBuf) msg);
        ((ByteBuf) msg).release();
        if (!verification.submit(peer, new Inbound(peer, frame, System.nanoTime()), false)) {
          refusals.accept(ShellRefusal.VERIFY_QUEUE_FULL.name());
        }
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext c) {
        verification.wake(); // the frames of this read are verified as one group
      }

      @Override
      public void channelInactive(ChannelHandlerContext c) {
        synchronized (peers) {
          if (peers[peer] == c.channel()) { // only this link's own end clears the slot
            peers[peer] = null;
            reach.linked(peer, false);
          }
        }
      }
    });
  }

  /**
   * A client link: each frame's claimed sender must be an identity proven on it, else the link is
   * quarantined before any signature work; a HELLO from a new identity is checked here, on the I/O
   * thread, so the REQUESTs behind it on the link find it joined. Frames queue for verification by
   * identity, so each identity keeps its own fair share and bound.
   */
  private void clientLinkUp(ChannelHandlerContext ctx, int first, ClientLink link) {
    clients.put(first, link);
    clientSessionOpened.run();
    ctx.pipeline().addBefore("faults", "client", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        byte[] frame = Frames.bytes((ByteBuf) msg);
        ((ByteBuf) msg).release();
        EnvelopeHeader claimed = EnvelopeHeader.peek(frame);
        if (claimed != null && claimed.type() == MessageType.HELLO.code()) {
          join(link, claimed.sender(), frame);
        } else if (claimed == null || !link.carries(claimed.sender())) {
          refusals.accept((claimed == null ? Rejection.MALFORMED : Rejection.WRONG_SENDER).name());
          quarantine(link, claimed == null ? "a frame that does not parse" : "a frame of an identity not proven on the link");
        } else if (!verification.submit(claimed.sender(), new Inbound(claimed.sender(), frame, System.nanoTime()), false)) {
          refusals.accept(ShellRefusal.VERIFY_QUEUE_FULL.name());
          quarantine(link, "more frames queued than the verification bound");
        } else if (clients.get(claimed.sender()) != link) {
          // Two processes proved one identity (a user's mistake, both hold its key): replies follow
          // the one that sent last, so each hears about its own requests, and the one whose
          // numbers fell behind is refused as stale instead of waiting for replies sent elsewhere.
          clients.put(claimed.sender(), link);
        }
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext c) {
        verification.wake(); // the requests of this read are verified as one group
      }

      @Override
      public void channelInactive(ChannelHandlerContext c) {
        for (int id : link.identities()) {
          clients.remove(id, link);
        }
      }
    });
  }

  /** Adds an identity to a client link once its HELLO answers the link's nonce and names this replica; anything else ends the link. */
  private void join(ClientLink link, int client, byte[] frame) {
    if (link.carries(client)) {
      return; // said again: nothing to add, nothing to verify
    }
    if (quorum.isReplica(client) || quarantine.refuses(client)) {
      link.channel().close();
      return;
    }
    DecodeResult r = ends.decoder().decode(frame, client);
    if (r instanceof DecodeResult.Accepted a && a.message() instanceof Hello hello
        && hello.peer() == self && link.answers(hello.nonce())) {
      link.add(client);
      clients.put(client, link);
      clientSessionOpened.run();
      return;
    }
    refusals.accept(r instanceof DecodeResult.Rejected rej ? rej.reason().name() : ShellRefusal.BAD_HELLO.name());
    quarantine(link, "a HELLO that does not answer the link's challenge");
  }

  /** A client proved faulty on its own link: hang up and refuse it (and the identities sharing its link) for a while. */
  void quarantine(int client, String why) {
    ClientLink link = clients.get(client);
    if (link != null) {
      quarantine(link, why);
    } else if (quarantine.quarantine(client) > 0) { // else: frames queued before the link closed
      refusals.accept(ShellRefusal.CLIENT_QUARANTINED.name());
      LOG.warn("replica {}: client {} quarantined ({})", self, client, why);
    }
  }

  /** One process sent what no correct client sends: every identity it proved on the link is refused a while. */
  private void quarantine(ClientLink link, String why) {
    for (int id : link.identities()) {
      long millis = quarantine.quarantine(id);
      if (millis > 0) {
        refusals.accept(ShellRefusal.CLIENT_QUARANTINED.name());
        LOG.warn("replica {}: client {} quarantined for {} ms ({})", self, id, millis, why);
      }
    }
    link.channel().close(); // after the refusal is in place, so a reconnect already meets it
  }

  void close() {
    closed = true;
    if (server != null) {
      // Waited for: the same process may bind the port again at once (a replica moving to a new epoch).
      server.close().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    // Closed now, not whenever the event loops stop: a peer that outlives this node (a replica a
    // new epoch left out) learns from the closed link that this one moved on.
    for (Channel c : peers) {
      if (c != null) {
        c.close();
      }
    }
    clients.values().forEach(link -> link.channel().close());
  }
}
