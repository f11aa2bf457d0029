package dev.bft.core.sim;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Byzantine primary of the old epoch that orders client requests after the reconfiguration: the
 * requests it heard go after the reconfiguration in its own batch and into every batch after it
 * (which a correct primary leaves empty up to the epoch checkpoint). Each backup gets the same
 * batch, so this is not equivocation: only the order is wrong. The invariant it attacks: nothing
 * after the reconfiguration executes in its epoch, and those requests execute once, in the next.
 */
final class OrdersAfterReconfiguration implements OutboundFilter, RequestTap {
  private final int administrator;
  private final Map<Integer, Request> heard = new LinkedHashMap<>();
  private final Map<List<Long>, PrePrepare> rewritten = new HashMap<>();
  /** The requests it placed after the reconfiguration. */
  final Set<Request> orderedAfter = new LinkedHashSet<>();
  private long reconfiguredAt = -1;
  /** What its correct core ordered itself (client, number): those are not the ones it misplaced. */
  private final Set<List<Long>> orderedByItsCore = new java.util.HashSet<>();

  OrdersAfterReconfiguration(int administrator) {
    this.administrator = administrator;
  }

  @Override
  public void heard(Request request) {
    if (request.clientId() >= Simulation.FIRST_CLIENT_ID && !request.readOnly()) {
      heard.put(request.clientId(), request);
    }
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage m, long now) {
    if (m instanceof PrePrepare pp && pp.hasBatch()) {
      return List.of(new Outbound(to, rewritten.computeIfAbsent(List.of(pp.view(), pp.sequence()), k -> rewrite(pp))));
    }
    return List.of(new Outbound(to, m));
  }

  private PrePrepare rewrite(PrePrepare pp) {
    List<Request> requests = pp.batch().requests();
    requests.forEach(r -> orderedByItsCore.add(List.of((long) r.clientId(), r.requestNumber())));
    if (reconfiguredAt < 0 && requests.stream().anyMatch(r -> r.clientId() == administrator)) {
      reconfiguredAt = pp.sequence();
    }
    if (reconfiguredAt < 0 || pp.sequence() < reconfiguredAt) {
      return pp;
    }
    List<Request> more = new ArrayList<>(requests);
    for (Request r : heard.values()) {
      if (!orderedByItsCore.contains(List.of((long) r.clientId(), r.requestNumber()))
          && more.stream().noneMatch(o -> o.clientId() == r.clientId() && o.requestNumber() == r.requestNumber())) {
        more.add(r);
        orderedAfter.add(r);
      }
    }
    return new PrePrepare(pp.view(), pp.sequence(), Batch.of(more, pp.batch().timestamp()), pp.sender(), null);
  }
}
