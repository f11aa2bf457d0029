package dev.bft.core.protocol;

/** The timers a replica asks its shell to run; at most one of each is armed at a time. */
public enum TimerId {
  /** The primary's partial batch has waited long enough. */
  BATCH,
  /** A backup knows of a request that has not executed in time: the primary is suspect. */
  VIEW_CHANGE,
  /** A backup knows of requests the primary has not put in a PRE-PREPARE though it had room. */
  PRIMARY_IDLE,
  /** Periodic: if execution is stuck behind lost messages, ask peers to retransmit. */
  STATUS
}
