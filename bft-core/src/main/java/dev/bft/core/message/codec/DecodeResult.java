package dev.bft.core.message.codec;

import dev.bft.core.message.Message;

/** What decoding a frame gave: a message, or the reason it was refused. */
public sealed interface DecodeResult {
  record Accepted(Message message) implements DecodeResult {}

  record Rejected(Rejection reason, String detail) implements DecodeResult {}

  default boolean accepted() {
    return this instanceof Accepted;
  }

  /** The message; throws if this is a rejection (for tests and callers that just checked). */
  default Message message() {
    if (this instanceof Accepted a) {
      return a.message();
    }
    throw new IllegalStateException("frame was rejected: " + this);
  }
}
