package dev.bft.client.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.FreePorts;
import dev.bft.core.config.HostPort;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The relay delays by at least what it is asked (lower bounds only: a busy machine only adds), keeps
 * every byte and its order under jitter, passes a close on behind the data, and holds back no more
 * than its bound from a sender whose receiver does not read.
 */
class DelayRelayTest {
  private static final long DEADLINE_SECONDS = 60;

  private static ServerSocket listener() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** Accepts connections and echoes each, on threads of its own. */
  private static ServerSocket echo() throws IOException {
    ServerSocket server = listener();
    daemon(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          daemon(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException ignored) {
              // the relay closed it
            }
          });
        } catch (IOException closed) {
          return;
        }
      }
    });
    return server;
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "relay-test");
    t.setDaemon(true);
    t.start();
  }

  private static DelayRelay relay(ServerSocket target, LinkDelay delay, int maxDelayedBytes) throws IOException {
    return DelayRelay.start(new HostPort("127.0.0.1", FreePorts.consecutive(1)),
        new HostPort("127.0.0.1", target.getLocalPort()), delay, maxDelayedBytes, new Random(7));
  }

  private static Socket dial(DelayRelay relay) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port());
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
    s.setTcpNoDelay(true);
    return s;
  }

  @Test
  void aDelayedEchoTakesAtLeastTheRoundTrip() throws Exception {
    Duration rtt = Duration.ofMillis(40);
    try (ServerSocket server = echo(); DelayRelay relay = relay(server, LinkDelay.ofRoundTrip(rtt, Duration.ZERO),
        DelayRelay.DEFAULT_MAX_DELAYED_BYTES); Socket s = dial(relay)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        s.getOutputStream().write(new byte[] {(byte) i, 1, 2, 3});
        byte[] back = new byte[4];
        in.readFully(back);
        long took = System.nanoTime() - start;
        assertThat(back).containsExactly((byte) i, 1, 2, 3);
        assertThat(Duration.ofNanos(took)).as("round trip %d", i).isGreaterThanOrEqualTo(rtt);
      }
    }
  }

  @Test
  void bytesArriveCompleteAndInOrderUnderJitter() throws Exception {
    int total = 4 << 20;
    try (ServerSocket server = echo();
         DelayRelay relay = relay(server, new LinkDelay(Duration.ofMillis(5), Duration.ofMillis(5)), 256 * 1024);
         Socket s = dial(relay)) {
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        Random sizes = new Random(1);
        try {
          OutputStream out = s.getOutputStream();
          for (int at = 0; at < total; ) {
            int n = Math.min(total - at, 1 + sizes.nextInt(3000));
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i++) {
              chunk[i] = pattern(at + i);
            }
            out.write(chunk);
            at += n;
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] back = new byte[total];
      in.readFully(back);
      sent.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      for (int i = 0; i < total; i++) {
        if (back[i] != pattern(i)) {
          throw new AssertionError("byte " + i + " of " + total + " is " + back[i] + ", expected " + pattern(i));
        }
      }
    }
  }

  private static byte pattern(long i) {
    return (byte) (i * 31 + (i >>> 8));
  }

  @Test
  void aCloseFollowsTheDataAndReachesTheOtherSide() throws Exception {
    try (ServerSocket server = listener();
         DelayRelay relay = relay(server, LinkDelay.ofRoundTrip(Duration.ofMillis(40), Duration.ZERO),
             DelayRelay.DEFAULT_MAX_DELAYED_BYTES)) {
      // The target says goodbye and closes: the dialer gets the goodbye, then the end of the stream.
      try (Socket dialer = dial(relay); Socket accepted = server.accept()) {
        accepted.getOutputStream().write("bye".getBytes());
        accepted.close();
        assertThat(new DataInputStream(dialer.getInputStream()).readNBytes(3)).isEqualTo("bye".getBytes());
        assertThat(dialer.getInputStream().read()).as("end of stream after the target closed").isEqualTo(-1);
      }
      // The dialer closes: the target's side ends too.
      try (Socket dialer = dial(relay); Socket accepted = server.accept()) {
        accepted.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        dialer.getOutputStream().write(42);
        dialer.close();
        assertThat(accepted.getInputStream().read()).isEqualTo(42);
        assertThat(accepted.getInputStream().read()).as("end of stream after the dialer closed").isEqualTo(-1);
      }
    }
  }

  @Test
  void aTargetThatDoesNotReadStopsTheRelayReadingPastItsBound() throws Exception {
    int bound = 256 * 1024;
    long total = 64L << 20; // well past what the kernel's socket buffers on both hops can hold
    try (ServerSocket server = listener(); DelayRelay relay = relay(server,
        LinkDelay.ofRoundTrip(Duration.ofMillis(10), Duration.ZERO), bound); Socket s = dial(relay);
         Socket sink = server.accept()) {
      sink.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
      AtomicLong written = new AtomicLong();
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        byte[] chunk = new byte[16 * 1024];
        try {
          OutputStream out = s.getOutputStream();
          for (long at = 0; at < total; at += chunk.length) {
            for (int i = 0; i < chunk.length; i++) {
              chunk[i] = pattern(at + i);
            }
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      // Wait until the sender is stuck: nothing more written for a second.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
      long seen = -1;
      while (written.get() != seen && System.nanoTime() < deadline) {
        seen = written.get();
        Thread.sleep(1000);
      }
      assertThat(written.get()).as("the sender is held up while its receiver does not read").isLessThan(total);
      assertThat(relay.peakDelayedBytes()).as("bytes the relay held back at most")
          .isPositive().isLessThanOrEqualTo(bound + DelayRelay.MAX_READ);
      // Once the receiver reads, everything arrives, in order.
      InputStream in = sink.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long at = 0;
      while (at < total) {
        int n = in.read(buffer);
        assertThat(n).as("read at byte %d", at).isPositive();
        for (int i = 0; i < n; i++) {
          if (buffer[i] != pattern(at + i)) {
            throw new AssertionError("byte " + (at + i) + " is " + buffer[i] + ", expected " + pattern(at + i));
          }
        }
        at += n;
      }
      sent.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertThat(relay.peakDelayedBytes()).isLessThanOrEqualTo(bound + DelayRelay.MAX_READ);
    }
  }

  @Test
  void aTargetThatIsDownClosesTheDialersConnection() throws Exception {
    ServerSocket gone = listener();
    gone.close();
    try (DelayRelay relay = relay(gone, LinkDelay.NONE, DelayRelay.DEFAULT_MAX_DELAYED_BYTES); Socket s = dial(relay)) {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }
}
