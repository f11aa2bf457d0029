package dev.bft.core.protocol;

/** Why an input was ignored. Each is counted; none is an error, since Byzantine peers cause all of them. */
public enum DropReason {
  NOT_FROM_PRIMARY,
  FROM_PRIMARY,
  WRONG_VIEW,
  OUTSIDE_WINDOW,
  CONFLICTING_PRE_PREPARE,
  DUPLICATE,
  EQUIVOCATION,
  STALE_REQUEST,
  UNKNOWN_SENDER,
  NOT_A_CLIENT_REQUEST,
  BAD_CHECKPOINT_PROOF,
  IN_VIEW_CHANGE,
  INVALID_VIEW_CHANGE,
  INVALID_NEW_VIEW,
  /** A PRE-PREPARE outside a certificate that came without its batch. */
  MISSING_BATCH,
  /** A BATCH for a sequence this replica is not fetching a batch for. */
  UNSOLICITED_BATCH,
  /** A BATCH whose content does not have the digest asked for. */
  BATCH_MISMATCH,
  /** A FETCH-BATCH for a batch this replica does not hold. */
  UNKNOWN_BATCH,
  /** A FETCH-BATCH beyond the peer's budget for the period. */
  FETCH_OVER_BUDGET,
  /** A PRE-PREPARE whose batch timestamp lies further from this replica's clock than the configured skew. */
  TIMESTAMP_SKEWED,
  /** A PRE-PREPARE whose batch timestamp is earlier than a batch before it in this view (or later than one after it). */
  TIMESTAMP_BACKWARDS,
  /** A request or PRE-PREPARE after this epoch's end: the next epoch serves it (docs/reconfiguration.md). */
  EPOCH_ENDED
}
