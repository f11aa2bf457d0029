package dev.bft.adversary.replica;

import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.List;
import java.util.Set;

/**
 * A replica that talks only to some replicas and ignores the rest, so that different correct
 * replicas see different things of it. What must hold: agreement, and liveness (as primary it is
 * replaced when too few replicas hear it).
 */
public final class SelectivelySilent implements OutboundFilter {
  private final Set<Integer> audience;

  public SelectivelySilent(Set<Integer> audience) {
    this.audience = Set.copyOf(audience);
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    return audience.contains(to) ? List.of(new Outbound(to, message)) : List.of();
  }
}
