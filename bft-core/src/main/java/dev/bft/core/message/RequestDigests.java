package dev.bft.core.message;

import dev.bft.crypto.Digest;
import dev.bft.crypto.Digests;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;

/**
 * The two digests everybody must compute alike: a request's (over its fields, so any honest
 * encoding of the same request has the same identity) and a batch's (over its request digests and
 * the primary's non-deterministic inputs). Called at the edge and by the primary when it cuts a batch.
 */
public final class RequestDigests {
  private RequestDigests() {}

  public static Digest of(int clientId, long requestNumber, boolean readOnly, byte[] operation) {
    MessageDigest md = Digests.newSha256();
    ByteBuffer head = ByteBuffer.allocate(1 + 4 + 8 + 1 + 4);
    head.put((byte) 'R').putInt(clientId).putLong(requestNumber).put((byte) (readOnly ? 1 : 0))
        .putInt(operation.length);
    md.update(head.array());
    md.update(operation);
    return Digest.of(md.digest());
  }

  /** The digest of a batch; the empty batch (the null request) has its own, distinct digest. */
  public static Digest ofBatch(List<Request> requests, long timestamp) {
    MessageDigest md = Digests.newSha256();
    ByteBuffer head = ByteBuffer.allocate(1 + 8 + 4);
    head.put((byte) 'B').putLong(timestamp).putInt(requests.size());
    md.update(head.array());
    for (Request r : requests) {
      md.update(r.digest().bytesUnsafe());
    }
    return Digest.of(md.digest());
  }
}
