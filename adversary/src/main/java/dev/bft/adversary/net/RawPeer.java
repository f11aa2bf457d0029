package dev.bft.adversary.net;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.Hello;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.runtime.Handshake;
import dev.bft.core.runtime.LinkTls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/**
 * A link to a replica spoken frame by frame over a blocking socket (TLS when the attacker has a
 * key to show), so an attacker can send what no correct peer would: the shell's network attacks
 * are built on it.
 */
public final class RawPeer implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  public RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(15_000);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  /** Opens a link to {@code replica}: under TLS as {@code tls}'s key, or plain TCP when {@code tls} is null. */
  public static RawPeer open(ClusterConfig config, int replica, LinkTls tls) throws IOException {
    var target = config.replica(replica);
    return new RawPeer(tls == null ? new Socket(target.host(), target.port()) : tls.open(target.host(), target.port()));
  }

  /** Reads the replica's challenge and returns its nonce; fails if the first frame is not one. */
  public byte[] challenge() throws IOException {
    byte[] nonce = Handshake.challengeNonce(read());
    if (nonce == null) {
      throw new IOException("the replica's first frame is not a challenge");
    }
    return nonce;
  }

  /** Authenticates as a correct connecting peer would, as {@code self} with {@code encoder}; returns the link nonce. */
  public byte[] authenticate(int self, int replica, MessageEncoder encoder) throws IOException {
    byte[] linkNonce = challenge();
    byte[] own = nonce();
    send(encoder.encode(new Hello(self, replica, linkNonce, own, null)));
    read(); // the replica's answer (a correct peer would check it)
    return linkNonce;
  }

  public static byte[] nonce() {
    byte[] n = new byte[32];
    RANDOM.nextBytes(n);
    return n;
  }

  public void send(byte[] frame) throws IOException {
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
  }

  /** Bytes as they are, with no framing: for malformed streams. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public byte[] read() throws IOException {
    int length = in.readInt();
    if (length < 0 || length > (64 << 20)) {
      throw new IOException("a frame of " + length + " bytes");
    }
    byte[] frame = new byte[length];
    in.readFully(frame);
    return frame;
  }

  /** Whether the replica hangs up within the socket's timeout (reading and dropping what it sends meanwhile). */
  public boolean closedByReplica() throws IOException {
    try {
      while (true) {
        read();
      }
    } catch (EOFException | SocketException closed) {
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException other) {
      return true; // a TLS alert or reset: the link is gone
    }
  }

  public void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
