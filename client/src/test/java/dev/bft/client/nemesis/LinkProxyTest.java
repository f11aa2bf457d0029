package dev.bft.client.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** A cut link drops what it carries and refuses what comes; a restored one carries again. */
class LinkProxyTest {
  /** An echo server standing in for a replica. */
  private static ServerSocket echo() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread c = new Thread(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException ignored) {
              // the proxy closed it
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException closed) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server;
  }

  /** Sends a byte and returns what comes back (-1: the link was closed). */
  private static int roundTrip(Socket s, int b) throws IOException {
    s.setSoTimeout(10_000);
    s.getOutputStream().write(b);
    s.getOutputStream().flush();
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }

  @Test
  void aCutLinkDropsItsConnectionsAndRefusesNewOnesUntilItIsRestored() throws Exception {
    try (ServerSocket replica = echo(); LinkProxy link = new LinkProxy("test", 0, replica.getLocalPort())) {
      Socket before = new Socket(InetAddress.getLoopbackAddress(), link.port());
      assertThat(roundTrip(before, 7)).isEqualTo(7);

      link.cut();
      assertThat(roundTrip(before, 8)).as("an open connection is dropped").isEqualTo(-1);
      try (Socket during = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
        assertThat(roundTrip(during, 9)).as("a new connection is closed at once").isEqualTo(-1);
      }

      link.restore();
      try (Socket after = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
        assertThat(roundTrip(after, 10)).isEqualTo(10);
      }
      before.close();
    }
  }
}
