package dev.bft.core.message;

/** The primary of {@code view} binds {@code batch} to {@code sequence}. */
public record PrePrepare(long view, long sequence, Batch batch, int sender, WireForm wire)
    implements ReplicaMessage {
  public PrePrepare {
    if (batch == null) {
      throw new IllegalArgumentException("a pre-prepare needs its batch");
    }
  }

  public dev.bft.crypto.Digest digest() {
    return batch.digest();
  }

  @Override
  public MessageType type() {
    return MessageType.PRE_PREPARE;
  }

  @Override
  public String toString() {
    return "PrePrepare[v=" + view + ", s=" + sequence + ", d=" + batch.digest() + ", n=" + batch.size()
        + ", from " + sender + "]";
  }
}
