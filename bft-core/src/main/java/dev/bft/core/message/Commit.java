package dev.bft.core.message;

import dev.bft.crypto.Digest;

/** The sender holds a prepared certificate for {@code (view, sequence, digest)}. */
public record Commit(long view, long sequence, Digest digest, int sender, WireForm wire)
    implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.COMMIT;
  }
}
