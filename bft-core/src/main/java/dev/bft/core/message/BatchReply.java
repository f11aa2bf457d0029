package dev.bft.core.message;

/**
 * BATCH: the answer to a {@link FetchBatch}. Its content proves itself: the asker takes it only if
 * the batch's digest (computed from the requests received) is the one it asked for.
 */
public record BatchReply(long sequence, Batch batch, int sender, WireForm wire) implements ReplicaMessage {
  public BatchReply {
    if (batch == null) {
      throw new IllegalArgumentException("a batch reply needs its batch");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.BATCH;
  }

  @Override
  public String toString() {
    return "BatchReply[s=" + sequence + ", d=" + batch.digest() + ", n=" + batch.size() + ", from " + sender + "]";
  }
}
