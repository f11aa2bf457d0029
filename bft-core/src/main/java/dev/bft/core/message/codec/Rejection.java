package dev.bft.core.message.codec;

/** Why a frame was refused. Each is counted by the runtime; a Byzantine peer can cause any of them. */
public enum Rejection {
  TOO_LARGE,
  MALFORMED,
  WRONG_VERSION,
  /** A message of another configuration epoch than the receiver's (docs/reconfiguration.md). */
  WRONG_EPOCH,
  UNKNOWN_TYPE,
  UNKNOWN_SENDER,
  WRONG_SENDER,
  MISSING_FIELD,
  FIELD_OUT_OF_RANGE,
  BAD_SIGNATURE,
  /**
   * Dropped before its signature was checked because the receiver has no use for it: a client's
   * surplus replies ({@link MessageDecoder#decodeReply}), a replica's votes outside its view or window.
   */
  UNWANTED
}
