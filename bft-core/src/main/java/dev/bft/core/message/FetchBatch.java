package dev.bft.core.message;

import dev.bft.crypto.Digest;

/**
 * FETCH-BATCH: the sender accepted a NEW-VIEW that re-issues {@code digest} at {@code sequence}
 * and lacks that batch. Any replica holding it may answer with a {@link BatchReply}.
 */
public record FetchBatch(long sequence, Digest digest, int sender, WireForm wire) implements ReplicaMessage {
  @Override
  public MessageType type() {
    return MessageType.FETCH_BATCH;
  }
}
