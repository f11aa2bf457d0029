package dev.bft.core.message.codec;

/** Why a frame was refused. Each is counted by the runtime; a Byzantine peer can cause any of them. */
public enum Rejection {
  TOO_LARGE,
  MALFORMED,
  WRONG_VERSION,
  UNKNOWN_TYPE,
  UNKNOWN_SENDER,
  WRONG_SENDER,
  MISSING_FIELD,
  FIELD_OUT_OF_RANGE,
  BAD_SIGNATURE,
  /** Not an error: a client declined to verify a reply it no longer needs ({@link MessageDecoder#decodeReply}). */
  UNWANTED
}
