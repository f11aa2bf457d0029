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
  PIPELINE_FULL,
  BAD_CHECKPOINT_PROOF,
  IN_VIEW_CHANGE,
  INVALID_VIEW_CHANGE,
  INVALID_NEW_VIEW
}
