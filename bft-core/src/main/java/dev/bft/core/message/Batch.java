package dev.bft.core.message;

import dev.bft.crypto.Digest;
import java.util.List;

/**
 * The requests a primary orders at one sequence number, with its non-deterministic input (a
 * timestamp the service may read). An empty batch is PBFT's null request.
 */
public record Batch(List<Request> requests, long timestamp, Digest digest) {
  public Batch {
    requests = List.copyOf(requests);
    if (digest == null) {
      throw new IllegalArgumentException("a batch needs its digest");
    }
  }

  public static Batch of(List<Request> requests, long timestamp) {
    return new Batch(requests, timestamp, RequestDigests.ofBatch(requests, timestamp));
  }

  private static final Batch NULL_REQUEST = of(List.of(), 0L);

  public static Batch nullRequest() {
    return NULL_REQUEST;
  }

  /** Whether a digest names the null request, which every replica has without fetching it. */
  public static boolean isNullRequest(Digest digest) {
    return NULL_REQUEST.digest().equals(digest);
  }

  public boolean isNull() {
    return requests.isEmpty();
  }

  public int size() {
    return requests.size();
  }
}
