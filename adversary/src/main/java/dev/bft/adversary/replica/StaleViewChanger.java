package dev.bft.adversary.replica;

import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.ViewChange;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.List;

/**
 * A replica whose VIEW-CHANGEs hide what it knows: no prepared certificates and the initial
 * checkpoint, a stale but validly formed claim in its own name. What must hold: a request that
 * committed survives the view change, because any 2f + 1 VIEW-CHANGEs include a correct replica
 * that prepared it.
 */
public final class StaleViewChanger implements OutboundFilter {
  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (message instanceof ViewChange vc) {
      return List.of(new Outbound(to, new ViewChange(vc.newView(), 0, List.of(), List.of(), self, null)));
    }
    return List.of(new Outbound(to, message));
  }
}
