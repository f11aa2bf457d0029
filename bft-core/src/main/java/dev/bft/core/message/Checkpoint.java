package dev.bft.core.message;

import dev.bft.crypto.Digest;

/** After executing {@code sequence}, the sender's service state (with its client table) has {@code stateDigest}. */
public record Checkpoint(long sequence, Digest stateDigest, int sender, WireForm wire)
    implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.CHECKPOINT;
  }
}
