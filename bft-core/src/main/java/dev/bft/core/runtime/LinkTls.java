package dev.bft.core.runtime;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.crypto.TlsCertificates;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS 1.3 with mutual authentication on every link, keys pinned by the cluster file: a peer is
 * trusted when its certificate carries one of the cluster's Ed25519 keys, and TLS makes it prove
 * it holds the private key. No certificate authority is involved. The link's HELLO exchange then
 * says which of the cluster's identities the peer is, and {@link #peerHolds} checks that the
 * identity it claims first is the key it showed TLS, so the two layers name the same peer.
 */
public final class LinkTls {
  private static final String[] PROTOCOLS = {"TLSv1.3"};
  private final SslContext server;
  private final SslContext client;

  /**
   * @param key     this node's key, shown to every peer
   * @param trusted every key a peer may show (the cluster's replicas, and for a replica its clients)
   */
  public LinkTls(Ed25519KeyPair key, String name, Set<Ed25519PublicKey> trusted) {
    var privateKey = TlsCertificates.privateKey(key);
    X509Certificate certificate = TlsCertificates.selfSigned(key, name);
    PinnedKeys pinned = new PinnedKeys(Set.copyOf(trusted));
    // The JDK's context wrapped by hand: Netty's SslContextBuilder probes for Bouncy Castle and, finding
    // it on the classpath, instantiates its whole provider, which costs a replica seconds of CPU at start.
    SSLContext context = jdkContext(privateKey, certificate, pinned, name);
    this.server = new JdkSslContext(context, false, null, IdentityCipherSuiteFilter.INSTANCE, null,
        ClientAuth.REQUIRE, PROTOCOLS, false);
    this.client = new JdkSslContext(context, true, null, IdentityCipherSuiteFilter.INSTANCE, null,
        ClientAuth.NONE, PROTOCOLS, false);
  }

  private static SSLContext jdkContext(PrivateKey privateKey, X509Certificate certificate, PinnedKeys pinned, String name) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("link", privateKey, password, new X509Certificate[] {certificate});
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keys.getKeyManagers(), new TrustManager[] {pinned}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS for " + name + ": " + e.getMessage(), e);
    }
  }

  /** First in an accepted link's pipeline: everything after it is encrypted. */
  public void accepting(ChannelPipeline pipeline) {
    pipeline.addFirst("tls", server.newHandler(pipeline.channel().alloc()));
  }

  /** First in a link this node opened to {@code host:port}. */
  public void connecting(ChannelPipeline pipeline, String host, int port) {
    pipeline.addFirst("tls", client.newHandler(pipeline.channel().alloc(), host, port));
  }

  /** A blocking TLS socket to {@code host:port} as this node: for tools and attack tests that speak frame by frame. */
  public javax.net.ssl.SSLSocket open(String host, int port) throws java.io.IOException {
    javax.net.ssl.SSLContext context = ((JdkSslContext) client).context();
    javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(host, port);
    socket.setEnabledProtocols(PROTOCOLS);
    socket.setUseClientMode(true);
    socket.startHandshake();
    return socket;
  }

  /** A blocking TLS server socket on {@code port} as this node, requiring a pinned client key: for attack tests. */
  public javax.net.ssl.SSLServerSocket listen(String host, int port) throws java.io.IOException {
    javax.net.ssl.SSLContext context = ((JdkSslContext) server).context();
    javax.net.ssl.SSLServerSocket socket = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(port, 16, java.net.InetAddress.getByName(host));
    socket.setEnabledProtocols(PROTOCOLS);
    socket.setNeedClientAuth(true);
    return socket;
  }

  /**
   * Whether the link's peer proved {@code key} to TLS; true on a link without TLS, where the
   * HELLO's signature is the only proof.
   */
  public static boolean peerHolds(ChannelHandlerContext ctx, Ed25519PublicKey key) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return true;
    }
    try {
      var certificates = ssl.engine().getSession().getPeerCertificates();
      return certificates.length > 0 && certificates[0] instanceof X509Certificate x
          && key.equals(TlsCertificates.publicKeyOf(x));
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  /** Accepts a certificate chain whose first certificate carries a pinned Ed25519 key; nothing else. */
  private static final class PinnedKeys extends X509ExtendedTrustManager {
    private final Set<Ed25519PublicKey> trusted;

    PinnedKeys(Set<Ed25519PublicKey> trusted) {
      this.trusted = trusted;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("no certificate");
      }
      Ed25519PublicKey key = TlsCertificates.publicKeyOf(chain[0]);
      if (key == null || !trusted.contains(key)) {
        throw new CertificateException("the certificate's key is not one the cluster file names");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
