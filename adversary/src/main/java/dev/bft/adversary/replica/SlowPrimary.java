package dev.bft.adversary.replica;

import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.List;

/**
 * A primary that holds every PRE-PREPARE back for {@code delay}, just under the backups'
 * view-change timeout, so it is never caught by the timer yet the cluster crawls (the attack
 * Aardvark measured). What must hold: safety and liveness; throughput is the performance issue's
 * concern (expected-throughput monitoring).
 */
public final class SlowPrimary implements OutboundFilter {
  private final long delay;

  public SlowPrimary(long delay) {
    this.delay = delay;
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    return List.of(new Outbound(to, message, message instanceof PrePrepare ? delay : 0));
  }
}
