package dev.bft.core.message;

/**
 * "I am in {@code view}, stuck, and need what you sent for the sequence numbers above
 * {@code retransmitAbove}." Peers answer by re-sending their own messages there (the primary its
 * PRE-PREPAREs) and their checkpoint votes, which is how PBFT recovers from lost messages without
 * a reliable network. {@code retransmitAbove} is the sender's last executed sequence number, or
 * lower when a slot it executed in an earlier view has not committed again in this one.
 */
public record Status(long view, long retransmitAbove, int sender, WireForm wire) implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.STATUS;
  }
}
