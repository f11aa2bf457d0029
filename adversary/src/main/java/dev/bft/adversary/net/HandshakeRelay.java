package dev.bft.adversary.net;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.runtime.Handshake;
import dev.bft.core.runtime.LinkTls;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Byzantine replica that relays handshakes to be taken for others. It listens on its own address,
 * as itself; for every link a replica or client opens to it, it opens a link of its own to the
 * victim, hands the victim's challenge to the peer as if it were its own, and passes the peer's
 * signed answer back to the victim, hoping the victim takes its link for the peer's. The victim
 * must hang up on every one of them.
 */
public final class HandshakeRelay implements AutoCloseable {
  private final ClusterConfig config;
  private final int victim;
  private final LinkTls tls;
  private final ServerSocket listener;
  private final AtomicInteger relayed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  /** Plays replica {@code self} (with its key) against {@code victim}. */
  public HandshakeRelay(ClusterConfig config, int self, Ed25519KeyPair key, int victim) throws IOException {
    this.config = config;
    this.victim = victim;
    var me = config.replica(self);
    if (config.parameters().tls()) {
      Set<Ed25519PublicKey> everyone = new HashSet<>(config.clients().values());
      config.replicas().values().forEach(r -> everyone.add(r.publicKey()));
      this.tls = new LinkTls(key, "relay " + self, everyone);
      this.listener = tls.listen(me.host(), me.port());
    } else {
      this.tls = null;
      this.listener = new ServerSocket(me.port(), 16, InetAddress.getByName(me.host()));
    }
  }

  public void start() {
    Thread t = new Thread(this::acceptLoop, "handshake-relay");
    t.setDaemon(true);
    t.start();
  }

  /** Answers passed on to the victim. */
  public int relayed() {
    return relayed.get();
  }

  /** Relayed answers on which the victim hung up. */
  public int refused() {
    return refused.get();
  }

  /** Relayed answers the victim took (a broken shell): it sent its own answer back. */
  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket peer = listener.accept();
        Thread t = new Thread(() -> relay(peer), "relay-link");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket peerSocket) {
    try (RawPeer peer = new RawPeer(peerSocket); RawPeer toVictim = RawPeer.open(config, victim, tls)) {
      byte[] challenge = toVictim.challenge();
      peer.send(Handshake.challenge(challenge)); // the victim's challenge, as if it were the relay's own
      byte[] answer = peer.read();
      toVictim.send(answer);
      relayed.incrementAndGet();
      toVictim.timeout(5_000);
      try {
        toVictim.read();
        accepted.incrementAndGet();
      } catch (IOException hungUp) {
        refused.incrementAndGet();
      }
    } catch (IOException e) {
      // a peer that gave up, or the victim refusing the relay's own TLS: nothing relayed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }
}
