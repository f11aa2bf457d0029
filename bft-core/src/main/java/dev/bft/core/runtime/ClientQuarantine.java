package dev.bft.core.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Clients that proved themselves faulty on their own authenticated link, refused for a while. A
 * client link carries only that client's signed REQUESTs, one outstanding at a time, so a frame on
 * it that fails to decode or verify, or a backlog past the verification bound, is something no
 * correct client sends. Closing the link and refusing the client's handshakes until the quarantine
 * ends turns a flood of bad frames into one signature check per quarantine period (Aardvark's
 * blacklisting of clients that send bad signatures). Each repeat doubles the period, up to 64x.
 * The links of a process consult it ({@link PeerLinks}); so does the simulator's, on its virtual clock.
 */
public final class ClientQuarantine {
  private final long baseNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<Integer, long[]> until = new ConcurrentHashMap<>();

  public ClientQuarantine(long baseMillis, LongSupplier nanoClock) {
    this.baseNanos = baseMillis * 1_000_000L;
    this.clock = nanoClock;
  }

  /**
   * Quarantines {@code client} unless it is already: returns for how long, in milliseconds, or 0
   * if it was refused already (frames queued before its link closed are no new offence).
   */
  public long quarantine(int client) {
    long[] quarantined = new long[1];
    until.compute(client, (id, e) -> {
      long now = clock.getAsLong();
      if (e != null && now - e[0] < 0) {
        return e;
      }
      long offences = e == null ? 1 : Math.min(e[1] + 1, 7);
      quarantined[0] = baseNanos << (offences - 1);
      return new long[] {now + quarantined[0], offences};
    });
    return quarantined[0] / 1_000_000L;
  }

  public boolean refuses(int client) {
    long[] e = until.get(client);
    return e != null && clock.getAsLong() - e[0] < 0;
  }

  /** Clients refused right now. */
  public int size() {
    long now = clock.getAsLong();
    return (int) until.values().stream().filter(e -> now - e[0] < 0).count();
  }
}
