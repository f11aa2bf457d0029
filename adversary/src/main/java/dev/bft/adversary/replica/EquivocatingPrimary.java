package dev.bft.adversary.replica;

import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A primary that sends two different batches for the same sequence number: odd-numbered replicas
 * get the requests in reverse order under another timestamp (another digest), the others the real
 * batch. The invariant it attacks: two correct replicas must never execute different batches at
 * one sequence number.
 */
public final class EquivocatingPrimary implements OutboundFilter {
  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (message instanceof PrePrepare pp && to % 2 == 1) {
      List<dev.bft.core.message.Request> reversed = new ArrayList<>(pp.batch().requests());
      Collections.reverse(reversed);
      Batch other = Batch.of(reversed, pp.batch().timestamp() + 1);
      return List.of(new Outbound(to, new PrePrepare(pp.view(), pp.sequence(), other, self, null)));
    }
    return List.of(new Outbound(to, message));
  }
}
