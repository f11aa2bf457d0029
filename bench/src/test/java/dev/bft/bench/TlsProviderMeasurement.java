package dev.bft.bench;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.TlsCertificates;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Which TLS provider the links should run (issue 22: "pick the JDK provider or netty-tcnative
 * (BoringSSL) by measurement"): TLS 1.3 with mutual authentication and the replicas' Ed25519
 * certificates, on loopback Netty links as the replicas open them, JDK against BoringSSL, and plain
 * TCP for scale. For each: full handshakes per second (what a stranger's connection costs) and
 * the throughput of length-prefixed frames of 256 B and 16 KiB. Rounds alternate the providers,
 * since the machine's load drifts. A measurement, not a test: it runs only when asked,
 *
 * <pre>mvn -B -ntp -o -q surefire:test -pl bench -Dtest=TlsProviderMeasurement -Dbft.measure.tls=true</pre>
 *
 * and prints its table. Both providers call the same Java trust manager (here one that accepts any
 * key: the pinned-key check costs the same on either side of the comparison).
 */
@EnabledIfSystemProperty(named = "bft.measure.tls", matches = "true")
class TlsProviderMeasurement {
  static final int ROUNDS = 3;
  static final int HANDSHAKES = 200;
  static final long BYTES = 128L << 20;

  /** Plain TCP; the JDK with the replicas' Ed25519 certificates; the JDK and BoringSSL with ECDSA P-256 ones. */
  enum Link { PLAIN, JDK_ED25519, JDK_P256, BORINGSSL_P256 }

  /** The server's completed handshakes: under TLS 1.3 the client's completes first, before its certificate is checked. */
  static final AtomicLong SERVER_HANDSHAKES = new AtomicLong();

  @Test
  void jdkAgainstBoringSsl() throws Exception {
    System.out.printf("BoringSSL available: %s (%s)%s%n", OpenSsl.isAvailable(), OpenSsl.versionString(),
        OpenSsl.isAvailable() ? "" : " " + OpenSsl.unavailabilityCause());
    Ed25519KeyPair server = Ed25519KeyPair.forTesting(0);
    Ed25519KeyPair client = Ed25519KeyPair.forTesting(1);
    SelfSignedCertificate serverP256 = new SelfSignedCertificate("server", "EC", 256);
    SelfSignedCertificate clientP256 = new SelfSignedCertificate("client", "EC", 256);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      try {
        handshakesPerSecond(group, contexts(SslProvider.OPENSSL, TlsCertificates.privateKey(server),
            TlsCertificates.selfSigned(server, "server"), TlsCertificates.privateKey(client),
            TlsCertificates.selfSigned(client, "client")), 1);
        System.out.println("BoringSSL with Ed25519 certificates: handshakes");
      } catch (Exception e) {
        System.out.println("BoringSSL with Ed25519 certificates: fails, " + e.getMessage());
      }
      System.out.println("round  link              handshakes/s   MiB/s 256 B   MiB/s 16 KiB");
      for (int round = 1; round <= ROUNDS; round++) {
        for (Link link : Link.values()) {
          SslContext[] ctx = switch (link) {
            case PLAIN -> null;
            case JDK_ED25519 -> contexts(SslProvider.JDK, TlsCertificates.privateKey(server),
                TlsCertificates.selfSigned(server, "server"), TlsCertificates.privateKey(client),
                TlsCertificates.selfSigned(client, "client"));
            case JDK_P256 -> contexts(SslProvider.JDK, serverP256.key(), serverP256.cert(), clientP256.key(), clientP256.cert());
            case BORINGSSL_P256 -> contexts(SslProvider.OPENSSL, serverP256.key(), serverP256.cert(), clientP256.key(),
                clientP256.cert());
          };
          double handshakes = link == Link.PLAIN ? Double.NaN : handshakesPerSecond(group, ctx, HANDSHAKES);
          double small = mebibytesPerSecond(group, ctx, 256);
          double large = mebibytesPerSecond(group, ctx, 16 << 10);
          System.out.printf("%5d  %-16s  %12.0f  %12.1f  %13.1f%n", round, link, handshakes, small, large);
        }
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** Server and client contexts as LinkTls makes them (TLS 1.3, client certificate required), from {@code provider}. */
  private static SslContext[] contexts(SslProvider provider, PrivateKey serverKey, X509Certificate serverCertificate,
                                       PrivateKey clientKey, X509Certificate clientCertificate) throws Exception {
    SslContext s = SslContextBuilder.forServer(keyManager(serverKey, serverCertificate)).sslProvider(provider)
        .protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRE).trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    SslContext c = SslContextBuilder.forClient().keyManager(keyManager(clientKey, clientCertificate)).sslProvider(provider)
        .protocols("TLSv1.3").trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    return new SslContext[] {s, c};
  }

  /**
   * The one key and certificate, whatever key type is asked for: Netty's BoringSSL path asks its key
   * manager for "EC" or "RSA" key material only (by cipher suite), and finds no Ed25519 key otherwise.
   */
  private static javax.net.ssl.X509KeyManager keyManager(PrivateKey key, X509Certificate certificate) {
    return new javax.net.ssl.X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
        return new String[] {"link"};
      }

      @Override
      public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
        return "link";
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine e) {
        return "link";
      }

      @Override
      public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
        return new String[] {"link"};
      }

      @Override
      public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
        return "link";
      }

      @Override
      public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine e) {
        return "link";
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return new X509Certificate[] {certificate};
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return key;
      }
    };
  }

  private static double handshakesPerSecond(EventLoopGroup group, SslContext[] ctx, int handshakes) throws Exception {
    Channel server = listen(group, ctx, new AtomicLong(), null);
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    try {
      for (int i = 0; i < Math.min(20, handshakes); i++) { // warm-up
        connect(group, ctx, port).close().sync();
      }
      long start = System.nanoTime();
      long before = SERVER_HANDSHAKES.get();
      for (int i = 0; i < handshakes; i++) {
        connect(group, ctx, port).close().sync();
      }
      while (SERVER_HANDSHAKES.get() - before < handshakes) {
        Thread.sleep(1);
      }
      return handshakes / ((System.nanoTime() - start) / 1e9);
    } finally {
      server.close().sync();
    }
  }

  /** Sends {@link #BYTES} in frames of {@code size} (a 4-byte length and the bytes) and waits until all are decoded. */
  private static double mebibytesPerSecond(EventLoopGroup group, SslContext[] ctx, int size) throws Exception {
    long frames = BYTES / size;
    AtomicLong received = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    Channel server = listen(group, ctx, received, () -> {
      if (received.get() == frames) {
        all.countDown();
      }
    });
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    Channel c = connect(group, ctx, port);
    try {
      // one write of 64 frames at a time, as a replica's writer flushes what a commit produced
      ByteBuf batch = Unpooled.buffer(64 * (4 + size));
      for (int i = 0; i < 64; i++) {
        batch.writeInt(size).writeZero(size);
      }
      long start = System.nanoTime();
      ChannelFuture last = null;
      for (long sent = 0; sent < frames; sent += 64) {
        last = c.writeAndFlush(batch.retainedDuplicate());
        if (!c.isWritable()) {
          last.sync();
        }
      }
      last.sync();
      if (!all.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("received " + received.get() + " of " + frames + " frames");
      }
      batch.release();
      return (BYTES >> 20) / ((System.nanoTime() - start) / 1e9);
    } finally {
      c.close().sync();
      server.close().sync();
    }
  }

  private static Channel listen(EventLoopGroup group, SslContext[] ctx, AtomicLong received, Runnable onFrame)
      throws InterruptedException {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ctx != null) {
              SslHandler tls = ctx[0].newHandler(ch.alloc());
              tls.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                  SERVER_HANDSHAKES.incrementAndGet();
                }
              });
              ch.pipeline().addLast(tls);
            }
            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(64 << 20, 0, 4, 0, 4),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext c, Object msg) {
                    ((ByteBuf) msg).release();
                    received.incrementAndGet();
                    if (onFrame != null) {
                      onFrame.run();
                    }
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  /** A connection whose TLS handshake (if any) has completed. */
  private static Channel connect(EventLoopGroup group, SslContext[] ctx, int port) throws Exception {
    Channel c = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ctx != null) {
              ch.pipeline().addLast(ctx[1].newHandler(ch.alloc(), "127.0.0.1", port));
            }
          }
        }).connect("127.0.0.1", port).sync().channel();
    if (ctx != null) {
      c.pipeline().get(SslHandler.class).handshakeFuture().sync();
    }
    return c;
  }
}
