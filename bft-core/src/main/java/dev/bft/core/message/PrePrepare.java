package dev.bft.core.message;

import dev.bft.crypto.Digest;

/**
 * The primary of {@code view} binds the batch with {@code digest} to {@code sequence}. The
 * primary's signature covers only (view, sequence, digest), so the same signed message travels with
 * its batch in the normal case and without it inside certificates (VIEW-CHANGE, NEW-VIEW), where a
 * full batch would make them exceed the frame limit.
 *
 * @param batch the batch, or null where only its digest is known (a certificate's PRE-PREPARE, a
 *     NEW-VIEW's re-issued one whose batch this replica has not fetched yet)
 */
public record PrePrepare(long view, long sequence, Digest digest, Batch batch, int sender, WireForm wire)
    implements ReplicaMessage {
  public PrePrepare {
    if (digest == null) {
      throw new IllegalArgumentException("a pre-prepare needs its batch digest");
    }
    if (batch != null && !batch.digest().equals(digest)) {
      throw new IllegalArgumentException("pre-prepare (v=" + view + ", s=" + sequence + ") names batch " + digest
          + " but carries " + batch.digest());
    }
  }

  /** A pre-prepare with its batch. */
  public PrePrepare(long view, long sequence, Batch batch, int sender, WireForm wire) {
    this(view, sequence, requireBatch(batch).digest(), batch, sender, wire);
  }

  private static Batch requireBatch(Batch batch) {
    if (batch == null) {
      throw new IllegalArgumentException("a pre-prepare needs its batch");
    }
    return batch;
  }

  public boolean hasBatch() {
    return batch != null;
  }

  /** The same signed message naming its batch by digest only (the signature still verifies). */
  public PrePrepare withoutBatch() {
    return batch == null ? this : new PrePrepare(view, sequence, digest, null, sender, wire);
  }

  /** The same signed message with its batch, which must have the named digest. */
  public PrePrepare withBatch(Batch b) {
    return new PrePrepare(view, sequence, digest, b, sender, wire);
  }

  @Override
  public MessageType type() {
    return MessageType.PRE_PREPARE;
  }

  @Override
  public String toString() {
    return "PrePrepare[v=" + view + ", s=" + sequence + ", d=" + digest + ", n=" + (batch == null ? "?" : batch.size())
        + ", from " + sender + "]";
  }
}
