package dev.bft.client.nemesis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP forwarder for one direction of a link: from one dialer (a replica, or the nemesis's
 * clients) to one replica. The dialer's cluster file names {@link #port()} as the replica's
 * address; every connection it opens there is forwarded to the replica's real port. {@link #cut()}
 * closes the connections it carries and closes each new one as soon as it is accepted, until
 * {@link #restore()}: to the dialer the replica looks unreachable, as behind a failed link.
 * Blocking sockets, two threads per connection: a cluster has a few dozen links.
 */
final class LinkProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final String name;
  private final Set<Socket> open = new HashSet<>();
  private volatile boolean cut;
  private volatile boolean closed;

  LinkProxy(String name, int listenPort, int targetPort) throws IOException {
    this.name = name;
    this.target = targetPort;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    Thread acceptor = new Thread(this::accept, "proxy-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Drops every connection through this link and refuses new ones. */
  void cut() {
    cut = true;
    closeAll();
  }

  void restore() {
    cut = false;
  }

  private void accept() {
    while (!closed) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        quietly(in);
        continue;
      }
      try {
        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        synchronized (this) {
          open.add(in);
          open.add(out);
        }
        if (cut) {
          closeAll(); // cut while this connection was being made
          continue;
        }
        pump(in, out, "up");
        pump(out, in, "down");
      } catch (IOException replicaDown) {
        quietly(in); // the replica is not listening (killed, restarting): the dialer sees the link fail
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream is = from.getInputStream(); OutputStream os = to.getOutputStream()) {
        for (int read; (read = is.read(buffer)) >= 0; ) {
          os.write(buffer, 0, read);
        }
      } catch (IOException e) {
        // either end went away; closing both tells the other end
      } finally {
        quietly(from);
        quietly(to);
        synchronized (this) {
          open.remove(from);
          open.remove(to);
        }
      }
    }, "proxy-" + name + "-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private void closeAll() {
    Set<Socket> now;
    synchronized (this) {
      now = new HashSet<>(open);
      open.clear();
    }
    now.forEach(LinkProxy::quietly);
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    quietly(server);
    closeAll();
  }

  private static void quietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
