package dev.bft.core.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for local clusters and tests. They are drawn below Linux's ephemeral range
 * (32768 and up), so that outgoing connections, which take ephemeral ports, cannot grab them
 * between the moment they are chosen and the moment a replica binds them.
 */
public final class FreePorts {
  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;

  private FreePorts() {}

  /** The first of {@code count} consecutive ports that are free right now. */
  public static int consecutive(int count) throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(LOW, HIGH - count);
      boolean free = true;
      for (int p = base; p < base + count && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("found no " + count + " consecutive free ports in " + LOW + ".." + HIGH);
  }
}
