package dev.bft.core.protocol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEBUG lines for view changes. The INFO line per view change (from, to, reason, duration) is the
 * shell's to write, since only the shell has a clock (Effects.viewChangeStarted / viewInstalled).
 */
final class ViewChangeLog {
  private static final Logger LOG = LoggerFactory.getLogger("dev.bft.core.protocol.ViewChange");

  private ViewChangeLog() {}

  static void started(int replica, long from, long to, String reason) {
    LOG.debug("replica {}: view change {} -> {} ({})", replica, from, to, reason);
  }

  static void installed(int replica, long view, long minSequence, long maxSequence) {
    LOG.debug("replica {}: view {} running, re-proposing sequences ({}, {}]", replica, view, minSequence, maxSequence);
  }
}
