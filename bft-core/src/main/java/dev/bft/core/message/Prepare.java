package dev.bft.core.message;

import dev.bft.crypto.Digest;

/** A backup accepted the pre-prepare for {@code (view, sequence)} with {@code digest}. */
public record Prepare(long view, long sequence, Digest digest, int sender, WireForm wire)
    implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.PREPARE;
  }
}
