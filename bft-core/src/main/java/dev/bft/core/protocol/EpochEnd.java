package dev.bft.core.protocol;

import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Where this replica's epoch ends: the reconfiguration executed at {@code sequence}, after which
 * nothing executes in this epoch, and the epoch checkpoint at {@code boundary}, the first checkpoint
 * at or after it, whose digest also covers the next configuration's. Between the two the primary
 * orders null batches, so the epoch proof is an ordinary stable checkpoint that every part of the
 * protocol (view change, state transfer) already handles.
 *
 * <p>It is also the reconfiguration's reply, kept in the client table under the administrator's
 * id: the table is stored and transferred with the state, so a replica that restarts or fetches
 * the state knows the epoch ended without any record of its own.
 */
public record EpochEnd(long epoch, long sequence, long boundary, Digest next) {
  private static final byte[] TAG = {'E', 'N', 'D', 'S'};
  private static final int BYTES = TAG.length + 8 + 8 + 8 + Digest.SIZE;

  static EpochEnd at(long epoch, long sequence, int checkpointInterval, Digest next) {
    long boundary = (sequence + checkpointInterval - 1) / checkpointInterval * checkpointInterval;
    return new EpochEnd(epoch, sequence, boundary, next);
  }

  /** The reconfiguration's result: what the administrator's tool reads from f + 1 matching replies. */
  byte[] result() {
    return ByteBuffer.allocate(BYTES).put(TAG).putLong(epoch).putLong(sequence).putLong(boundary).put(next.bytesUnsafe()).array();
  }

  /** The end a reconfiguration's result names, or null if the result is not one (a refusal says why instead). */
  public static EpochEnd fromResult(byte[] result) {
    if (result.length != BYTES || result[0] != TAG[0] || result[1] != TAG[1] || result[2] != TAG[2] || result[3] != TAG[3]) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(result, TAG.length, BYTES - TAG.length);
    long epoch = b.getLong();
    long sequence = b.getLong();
    long boundary = b.getLong();
    byte[] next = new byte[Digest.SIZE];
    b.get(next);
    return new EpochEnd(epoch, sequence, boundary, Digest.of(next));
  }

  /** The end of this epoch recorded in {@code clients}, under an administrator's id, or null if it goes on. */
  static EpochEnd recordedIn(ClientTable clients, Epochs epochs) {
    for (Map.Entry<Integer, ClientTable.Entry> e : clients.entries().entrySet()) {
      if (epochs.administrator(e.getKey())) {
        EpochEnd end = fromResult(e.getValue().reply().result());
        if (end != null && end.epoch() == epochs.epoch()) {
          return end; // an end of an earlier epoch is history: its table came along into this one
        }
      }
    }
    return null;
  }

  /** The digest of the epoch checkpoint: the ordinary one bound to the next configuration. */
  Digest checkpointDigest(Digest ordinary) {
    return StateDigests.epoch(ordinary, next);
  }
}
