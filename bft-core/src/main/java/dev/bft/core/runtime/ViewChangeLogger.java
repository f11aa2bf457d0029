package dev.bft.core.runtime;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the one INFO line per view change (from, to, reason, duration) from the replica's
 * viewChangeStarted / viewInstalled effects, timing it with the shell's clock: milliseconds in a
 * replica process, ticks in the simulator.
 */
public final class ViewChangeLogger {
  private static final Logger LOG = LoggerFactory.getLogger("dev.bft.ViewChange");

  private final int replica;
  private final LongSupplier clock;
  private final String unit;
  private long from = -1;
  private long startedAt;
  private String reason;

  public ViewChangeLogger(int replica, LongSupplier clock, String unit) {
    this.replica = replica;
    this.clock = clock;
    this.unit = unit;
  }

  /** The first view change of a run of them is the one timed; later ones (timeouts) extend it. */
  public void started(long fromView, long toView, String why) {
    if (from < 0) {
      from = fromView;
      startedAt = clock.getAsLong();
      reason = why;
    }
  }

  public void installed(long view) {
    if (from >= 0) {
      LOG.info("replica {}: view change {} -> {} ({}) took {} {}", replica, from, view, reason,
          clock.getAsLong() - startedAt, unit);
      from = -1;
    }
  }
}
