package dev.bft.adversary.replica;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import java.util.List;

/**
 * A primary that stamps every batch it proposes {@code skewTicks} away from its clock (the same
 * batch to every backup, so it equivocates about nothing else). The invariant it attacks: a
 * service reads the batch timestamp as its time, and no correct replica executes a batch stamped
 * further from the correct replicas' clocks than the configured skew; the backups refuse the
 * PRE-PREPAREs and replace the primary (docs/protocol.md, The primary's timestamp).
 */
public final class SkewedTimestampPrimary implements OutboundFilter {
  private final long skewTicks;

  public SkewedTimestampPrimary(long skewTicks) {
    this.skewTicks = skewTicks;
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (message instanceof PrePrepare pp && pp.hasBatch() && !pp.batch().isNull()) {
      Batch skewed = Batch.of(pp.batch().requests(), pp.batch().timestamp() + skewTicks);
      return List.of(new Outbound(to, new PrePrepare(pp.view(), pp.sequence(), skewed, self, null)));
    }
    return List.of(new Outbound(to, message));
  }
}
