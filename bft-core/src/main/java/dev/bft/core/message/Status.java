package dev.bft.core.message;

/**
 * "I have executed up to {@code lastExecuted} in {@code view} and I am stuck." Peers answer by
 * retransmitting their own messages for the sequence numbers above it (the primary its
 * PRE-PREPAREs), which is how PBFT recovers from lost messages without a reliable network.
 */
public record Status(long view, long lastExecuted, int sender, WireForm wire) implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.STATUS;
  }
}
