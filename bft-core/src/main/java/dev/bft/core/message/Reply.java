package dev.bft.core.message;

/**
 * The result of executing request {@code (clientId, requestNumber)} at replica {@code sender}; or,
 * when {@code laterExecuted} is above zero, the replica's refusal of a stale request: it has
 * executed request {@code laterExecuted} of the same client, so it never executes this one.
 */
public record Reply(long view, int clientId, long requestNumber, byte[] result, int sender, WireForm wire,
                    long laterExecuted) implements ReplicaMessage {
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

  public boolean refusal() {
    return laterExecuted > 0;
  }

  @Override
  public MessageType type() {
    return MessageType.REPLY;
  }

  @Override
  public String toString() {
    return "Reply[v=" + view + ", c=" + clientId + ", t=" + requestNumber
        + (refusal() ? ", refused: stale behind " + laterExecuted : ", result=" + java.util.HexFormat.of().formatHex(result))
        + ", from " + sender + "]";
  }
}
