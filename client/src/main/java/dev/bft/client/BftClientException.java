package dev.bft.client;

/**
 * An operation that did not complete with a result, and what is known of its fate. A caller that
 * retries an {@link Outcome#UNKNOWN} operation must be prepared for it to take effect twice (make
 * it idempotent, or read before retrying); a {@link Outcome#NOT_EXECUTED} one can simply be sent again.
 */
public final class BftClientException extends RuntimeException {
  /** Whether the replicas may have executed the operation. */
  public enum Outcome {
    /** Sent, but no quorum of replies before the deadline (or it was superseded): it may or may not have taken effect. */
    UNKNOWN,
    /** It never took effect and never will: not sent before its deadline, or the client was closed first. */
    NOT_EXECUTED
  }

  private final Outcome outcome;

  public BftClientException(Outcome outcome, String message) {
    super(message);
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The operation's exception if it failed with one: a CompletableFuture wraps it in CompletionException or ExecutionException. */
  public static BftClientException of(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BftClientException e) {
        return e;
      }
    }
    return null;
  }
}
