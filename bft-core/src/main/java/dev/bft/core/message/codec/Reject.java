package dev.bft.core.message.codec;

/** Control flow for a refused frame; no stack trace, it is not an error of ours. */
final class Reject extends Exception {
  private static final long serialVersionUID = 1L;
  final Rejection reason;

  Reject(Rejection reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }
}
