package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS with keys pinned by the cluster file, on Netty links as replicas and clients open and
 * accept them: a peer showing a key the cluster file does not name is refused by TLS itself, on
 * either side, before any frame of the link's handshake is read (so before the HELLO's signature
 * check and TLS_KEY_MISMATCH, which concern keys the cluster does name).
 */
class LinkTlsTest {
  static final Ed25519KeyPair REPLICA = Ed25519KeyPair.forTesting(0);
  static final Ed25519KeyPair OTHER_REPLICA = Ed25519KeyPair.forTesting(1);
  static final Ed25519KeyPair CLIENT = Ed25519KeyPair.forTesting(1000);
  static final Ed25519KeyPair STRANGER = Ed25519KeyPair.forTesting(666);
  static final Set<Ed25519PublicKey> CLUSTER = Set.of(REPLICA.publicKey(), OTHER_REPLICA.publicKey(), CLIENT.publicKey());

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /**
   * The outcome of each side's TLS handshake on one loopback connection, and whether the connecting
   * side's channel was closed (under TLS 1.3 it finishes before the acceptor has checked its key).
   */
  record Outcome(boolean accepted, boolean connected, boolean hungUp) {}

  private Outcome connect(LinkTls acceptor, LinkTls connector) throws Exception {
    CompletableFuture<Boolean> accepted = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            acceptor.accepting(ch.pipeline());
            ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(f -> accepted.complete(f.isSuccess()));
          }
        }).bind("127.0.0.1", 0).sync().channel();
    try {
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      CompletableFuture<Boolean> connected = new CompletableFuture<>();
      Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              connector.connecting(ch.pipeline(), "127.0.0.1", port);
              ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(f -> connected.complete(f.isSuccess()));
            }
          }).connect("127.0.0.1", port).sync().channel();
      try {
        boolean a = accepted.get(10, TimeUnit.SECONDS);
        boolean c = connected.get(10, TimeUnit.SECONDS);
        return new Outcome(a, c, client.closeFuture().await(a && c ? 300 : 10_000, TimeUnit.MILLISECONDS));
      } finally {
        client.close().sync();
      }
    } finally {
      server.close().sync();
    }
  }

  private static LinkTls replica(Ed25519KeyPair key) {
    return new LinkTls(key, "replica", CLUSTER);
  }

  @Test
  void peersTheClusterFileNamesConnect() throws Exception {
    assertThat(connect(replica(REPLICA), replica(OTHER_REPLICA))).isEqualTo(new Outcome(true, true, false));
    assertThat(connect(replica(REPLICA), new LinkTls(CLIENT, "client", Set.of(REPLICA.publicKey()))))
        .isEqualTo(new Outcome(true, true, false));
  }

  @Test
  void aConnectingStrangerIsRefusedByTheReplicasTls() throws Exception {
    // The stranger trusts the replica's key: only the replica's check of the stranger's key can refuse it.
    Outcome o = connect(replica(REPLICA), new LinkTls(STRANGER, "stranger", Set.of(REPLICA.publicKey())));
    assertThat(o.accepted()).as("the replica's TLS handshake with a key not in the cluster file").isFalse();
    assertThat(o.hungUp()).as("the stranger's connection closed by the replica").isTrue();
  }

  @Test
  void aStrangerAcceptingIsRefusedByTheConnectingReplicasOrClientsTls() throws Exception {
    LinkTls impostor = new LinkTls(STRANGER, "impostor", CLUSTER); // answers on a replica's address
    assertThat(connect(impostor, replica(OTHER_REPLICA)).connected()).as("a replica connecting to it").isFalse();
    assertThat(connect(impostor, new LinkTls(CLIENT, "client", Set.of(REPLICA.publicKey()))).connected())
        .as("a client connecting to it").isFalse();
  }

  @Test
  void aClientKeyIsNoReplicaKeyToAClient() throws Exception {
    // A client process trusts the replicas' keys only: another client cannot pose as a replica to it.
    LinkTls otherClient = new LinkTls(CLIENT, "client 1000", CLUSTER);
    assertThat(connect(otherClient, new LinkTls(OTHER_REPLICA, "client", Set.of(REPLICA.publicKey()))).connected())
        .isFalse();
  }
}
