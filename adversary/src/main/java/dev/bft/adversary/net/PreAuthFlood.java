package dev.bft.adversary.net;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A stranger's attacks on a replica before any authentication: many sockets held open, sockets
 * that trickle a byte at a time (slowloris), and frames that announce tens of megabytes and never
 * finish. Each must cost the replica a bounded number of sockets and bytes for a bounded time.
 */
public final class PreAuthFlood implements AutoCloseable {
  private final List<Socket> sockets = new ArrayList<>();

  /** Opens {@code count} connections to {@code host:port} and keeps them; returns how many connected. */
  public int open(String host, int port, int count) {
    int connected = 0;
    for (int i = 0; i < count; i++) {
      try {
        sockets.add(new Socket(host, port));
        connected++;
      } catch (IOException refused) {
        // the backlog is full: as good as refused
      }
    }
    return connected;
  }

  /** On each open socket, a frame announcing {@code announced} bytes followed by {@code sent} of them, never finished. */
  public void unfinishedFrames(int announced, int sent) {
    byte[] start = ByteBuffer.allocate(4).putInt(announced).array();
    byte[] chunk = new byte[64 << 10];
    for (Socket s : sockets) {
      try {
        OutputStream out = s.getOutputStream();
        out.write(start);
        for (int left = sent; left > 0; left -= chunk.length) {
          out.write(chunk, 0, Math.min(left, chunk.length));
        }
        out.flush();
      } catch (IOException closedOnUs) {
        // the replica hung up: what a bounded shell does
      }
    }
  }

  /** One byte on every open socket (a slowloris tick); returns how many sockets are still open. */
  public int trickle() {
    int open = 0;
    for (Socket s : sockets) {
      try {
        s.getOutputStream().write(0x16);
        s.getOutputStream().flush();
        open++;
      } catch (IOException closedOnUs) {
        // closed by the replica
      }
    }
    return open;
  }

  /** Sockets the replica has closed, as far as a read can tell within {@code millis} each. */
  public int closedByReplica(int millis) {
    int closed = 0;
    for (Socket s : sockets) {
      try {
        s.setSoTimeout(millis);
        byte[] buf = new byte[4096];
        while (s.getInputStream().read(buf) >= 0) {
          // drain what the replica sent (a TLS alert, a challenge) until it hangs up
        }
        closed++;
      } catch (java.net.SocketTimeoutException stillOpen) {
        // not closed yet
      } catch (IOException reset) {
        closed++;
      }
    }
    return closed;
  }

  @Override
  public void close() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    sockets.clear();
  }
}
