package dev.bft.core.protocol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line when a replica starts and finishes catching up by state transfer. */
final class StateTransferLog {
  private static final Logger LOG = LoggerFactory.getLogger("dev.bft.core.protocol.StateTransfer");

  private StateTransferLog() {}

  static void fetching(int replica, long executed, long target) {
    LOG.info("replica {}: executed up to {}, fetching the state of stable checkpoint {}", replica, executed, target);
  }

  static void installed(int replica, long sequence) {
    LOG.info("replica {}: installed the state of checkpoint {}", replica, sequence);
  }
}
