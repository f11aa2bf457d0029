package dev.bft.core.message;

import dev.bft.crypto.Digest;

/**
 * The result of executing request {@code (clientId, requestNumber)} at replica {@code sender}; or,
 * when {@code laterExecuted} is above zero, the replica's refusal of a stale request: it has
 * executed request {@code laterExecuted} of the same client, so it never executes this one.
 *
 * <p>A <em>digest reply</em> ({@code resultDigest} not null) carries only {@link #digestOf the
 * digest} of a large result, with {@code result} empty: one designated replica sends the result
 * itself and the others vouch for it by digest (docs/protocol.md, Clients). A refusal is never one.
 */
public record Reply(long view, int clientId, long requestNumber, byte[] result, int sender, WireForm wire,
                    long laterExecuted, Digest resultDigest) implements ReplicaMessage {
  /**
   * The domain tag of a result digest, so that a result's digest can never equal a request's
   * ('R'), a batch's ('B') or a reply-tree node's ('R', 'N'), whatever the result's bytes.
   */
  private static final byte[] RESULT_TAG = {'O'};

  public Reply {
    if (resultDigest != null && (result.length != 0 || laterExecuted != 0)) {
      throw new IllegalArgumentException("a digest reply carries neither a result nor a refusal");
    }
  }

  public Reply(long view, int clientId, long requestNumber, byte[] result, int sender, WireForm wire,
               long laterExecuted) {
    this(view, clientId, requestNumber, result, sender, wire, laterExecuted, null);
  }

  public Reply(long view, int clientId, long requestNumber, byte[] result, int sender, WireForm wire) {
    this(view, clientId, requestNumber, result, sender, wire, 0);
  }

  /** The refusal of {@code requestNumber}, stale behind the executed {@code laterExecuted}. */
  public static Reply staleRefusal(long view, int clientId, long requestNumber, long laterExecuted, int sender) {
    if (laterExecuted <= requestNumber) {
      throw new IllegalArgumentException("request " + requestNumber + " is not stale behind " + laterExecuted);
    }
    return new Reply(view, clientId, requestNumber, new byte[0], sender, null, laterExecuted);
  }

  /** A reply that vouches for the result whose {@link #digestOf digest} is {@code resultDigest}. */
  public static Reply digestOnly(long view, int clientId, long requestNumber, Digest resultDigest, int sender) {
    if (resultDigest == null) {
      throw new IllegalArgumentException("a digest reply needs its digest");
    }
    return new Reply(view, clientId, requestNumber, new byte[0], sender, null, 0, resultDigest);
  }

  /** SHA-256('O' ‖ result): what a digest reply carries, and what a full reply is grouped by. */
  public static Digest digestOf(byte[] result) {
    return Digest.sha256(RESULT_TAG, result);
  }

  public boolean refusal() {
    return laterExecuted > 0;
  }

  /** Whether this reply carries the digest of its result instead of the result. */
  public boolean digestOnly() {
    return resultDigest != null;
  }

  /**
   * The digest of the result this reply stands for: the one it carries, or that of its result
   * (computed each call: a caller that needs it twice keeps it).
   */
  public Digest digestOfResult() {
    return resultDigest != null ? resultDigest : digestOf(result);
  }

  /** This full reply in its digest form, unsigned. */
  public Reply asDigest() {
    if (refusal() || digestOnly()) {
      throw new IllegalStateException("only a full result has a digest form: " + this);
    }
    return digestOnly(view, clientId, requestNumber, digestOf(result), sender);
  }

  @Override
  public MessageType type() {
    return MessageType.REPLY;
  }

  @Override
  public String toString() {
    String what = refusal() ? "refused: stale behind " + laterExecuted
        : digestOnly() ? "result digest=" + resultDigest
        : "result=" + java.util.HexFormat.of().formatHex(result);
    return "Reply[v=" + view + ", c=" + clientId + ", t=" + requestNumber + ", " + what + ", from " + sender + "]";
  }
}
