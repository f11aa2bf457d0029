package dev.bft.core.message;

import dev.bft.crypto.Digest;

/**
 * A client's signed operation. {@code digest} identifies the request everywhere in the protocol
 * (batches, the verified-request cache) and is computed at the edge by {@link RequestDigests}.
 *
 * @param wire the client's signed bytes; null only for a request not yet signed by its client
 */
public record Request(int clientId, long requestNumber, boolean readOnly, byte[] operation,
                      Digest digest, WireForm wire) implements Message {
  public Request {
    if (operation == null || digest == null) {
      throw new IllegalArgumentException("a request needs its operation and digest");
    }
  }

  /** A request built by a client before signing; its digest is computed from its fields. */
  public static Request unsigned(int clientId, long requestNumber, boolean readOnly, byte[] operation) {
    return new Request(clientId, requestNumber, readOnly, operation,
        RequestDigests.of(clientId, requestNumber, readOnly, operation), null);
  }

  @Override
  public int sender() {
    return clientId;
  }

  @Override
  public MessageType type() {
    return MessageType.REQUEST;
  }

  @Override
  public String toString() {
    return "Request[c=" + clientId + ", t=" + requestNumber + (readOnly ? ", ro" : "")
        + ", " + operation.length + " B, " + digest + "]";
  }
}
