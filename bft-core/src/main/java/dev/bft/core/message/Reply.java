package dev.bft.core.message;

/** The result of executing request {@code (clientId, requestNumber)} at replica {@code sender}. */
public record Reply(long view, int clientId, long requestNumber, byte[] result, int sender, WireForm wire)
    implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.REPLY;
  }

  @Override
  public String toString() {
    return "Reply[v=" + view + ", c=" + clientId + ", t=" + requestNumber + ", result="
        + java.util.HexFormat.of().formatHex(result) + ", from " + sender + "]";
  }
}
