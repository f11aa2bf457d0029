package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary's requests waiting for a batch, in arrival order, at most one per client (a client
 * has one request outstanding), so the queue is bounded by the number of clients. It also
 * remembers the highest request number ordered per client, so a retransmission is not ordered twice.
 */
final class RequestQueue {
  /**
   * Most encoded bytes of requests in one batch: a PRE-PREPARE (and a BATCH answering a fetch) then
   * stays far under the 64 MiB frame limit whatever the requests hold, while 65 536 requests with
   * empty operations (the most batch.size allows) still fit in one batch.
   */
  static final int MAX_BATCH_BYTES = 16 << 20;
  /**
   * An upper bound on what a request costs in a batch besides its operation: its envelope and
   * signature, its body's fields, its embedding in the batch and its R hint (about 150 bytes).
   */
  static final int REQUEST_OVERHEAD_BYTES = 192;

  private final LinkedHashMap<Integer, Request> pending = new LinkedHashMap<>();
  private long pendingBytes;
  private final Map<Integer, Long> orderedUpTo = new LinkedHashMap<>();

  /** Queues a request; false if it (or a newer one of its client) is already queued or ordered. */
  boolean offer(Request request) {
    Long ordered = orderedUpTo.get(request.clientId());
    if (ordered != null && request.requestNumber() <= ordered) {
      return false;
    }
    Request queued = pending.get(request.clientId());
    if (queued != null && queued.requestNumber() >= request.requestNumber()) {
      return false;
    }
    if (queued != null) {
      pendingBytes -= encodedBytes(queued);
    }
    pending.put(request.clientId(), request);
    pendingBytes += encodedBytes(request);
    return true;
  }

  /** A batch's size on the wire, bounded from above: what answering with it costs a link. */
  static long encodedBytes(Batch batch) {
    long bytes = 0;
    for (Request r : batch.requests()) {
      bytes += encodedBytes(r);
    }
    return bytes;
  }

  /** A request's size in a batch, bounded from above. */
  static long encodedBytes(Request r) {
    return (long) r.operation().length + REQUEST_OVERHEAD_BYTES;
  }

  /** Whether the waiting requests fill a batch, by count or by bytes. */
  boolean fillsBatch(int max) {
    return pending.size() >= max || pendingBytes >= MAX_BATCH_BYTES;
  }

  /**
   * Takes up to {@code max} requests, oldest first, closing before their bytes would exceed
   * {@link #MAX_BATCH_BYTES} (a single request always fits: its operation is at most 64 KiB), and
   * marks them ordered.
   */
  List<Request> take(int max) {
    List<Request> batch = new ArrayList<>(Math.min(pending.size(), max));
    long bytes = 0;
    Iterator<Request> it = pending.values().iterator();
    while (it.hasNext() && batch.size() < max) {
      Request r = it.next();
      if (!batch.isEmpty() && bytes + encodedBytes(r) > MAX_BATCH_BYTES) {
        break;
      }
      bytes += encodedBytes(r);
      pendingBytes -= encodedBytes(r);
      it.remove();
      batch.add(r);
      orderedUpTo.merge(r.clientId(), r.requestNumber(), Math::max);
    }
    return batch;
  }

  int size() {
    return pending.size();
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** A new view: what the old primary ordered no longer binds this one; the client table still prevents re-execution. */
  void startView(boolean primary, Iterable<Request> inherited) {
    orderedUpTo.clear();
    if (!primary) {
      pending.clear();
      pendingBytes = 0;
      return;
    }
    for (Request r : inherited) {
      if (pending.putIfAbsent(r.clientId(), r) == null) {
        pendingBytes += encodedBytes(r);
      }
    }
  }
}
