package dev.bft.core.protocol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line per view change: where from, where to, and why. Logging is the core's only outside call. */
final class ViewChangeLog {
  private static final Logger LOG = LoggerFactory.getLogger("dev.bft.core.protocol.ViewChange");

  private ViewChangeLog() {}

  static void started(int replica, long from, long to, String reason) {
    LOG.info("replica {}: view change {} -> {} ({})", replica, from, to, reason);
  }

  static void installed(int replica, long view, long minSequence, long maxSequence) {
    LOG.info("replica {}: view {} running, re-proposing sequences ({}, {}]", replica, view, minSequence, maxSequence);
  }
}
