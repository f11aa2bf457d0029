package dev.bft.core.protocol;

import dev.bft.core.message.Request;
import java.util.ArrayList;
import java.util.HashMap;
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
  private final LinkedHashMap<Integer, Request> pending = new LinkedHashMap<>();
  private final Map<Integer, Long> orderedUpTo = new HashMap<>();
  private long latestTimestamp;

  /** Queues a request received at {@code now}; false if it (or a newer one of its client) is already queued or ordered. */
  boolean offer(Request request, long now) {
    Long ordered = orderedUpTo.get(request.clientId());
    if (ordered != null && request.requestNumber() <= ordered) {
      return false;
    }
    Request queued = pending.get(request.clientId());
    if (queued != null && queued.requestNumber() >= request.requestNumber()) {
      return false;
    }
    pending.put(request.clientId(), request);
    latestTimestamp = Math.max(latestTimestamp, now);
    return true;
  }

  /** Takes up to {@code max} requests, oldest first, and marks them ordered. */
  List<Request> take(int max) {
    List<Request> batch = new ArrayList<>(Math.min(pending.size(), max));
    Iterator<Request> it = pending.values().iterator();
    while (it.hasNext() && batch.size() < max) {
      Request r = it.next();
      it.remove();
      batch.add(r);
      orderedUpTo.merge(r.clientId(), r.requestNumber(), Math::max);
    }
    return batch;
  }

  /** The primary's non-deterministic input for the next batch: the latest time a request arrived. */
  long timestamp() {
    return latestTimestamp;
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
      return;
    }
    for (Request r : inherited) {
      pending.putIfAbsent(r.clientId(), r);
    }
  }
}
