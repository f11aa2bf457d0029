package dev.bft.adversary.replica;

import dev.bft.core.message.Batch;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * A new primary whose NEW-VIEW re-proposes the null request where a prepared batch belongs (or
 * drops the last re-proposal), hoping to erase it. What must hold: backups recompute O from the
 * VIEW-CHANGEs, reject the NEW-VIEW, and move on to the next view; nothing committed is lost.
 */
public final class LyingNewPrimary implements OutboundFilter {
  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (message instanceof NewView nv) {
      List<PrePrepare> o = new ArrayList<>(nv.prePrepares());
      if (o.isEmpty()) {
        o.add(new PrePrepare(nv.view(), 1, Batch.nullRequest(), self, null)); // invent one
      } else {
        PrePrepare last = o.remove(o.size() - 1);
        o.add(new PrePrepare(last.view(), last.sequence(), Batch.nullRequest(), self, null));
      }
      return List.of(new Outbound(to, new NewView(nv.view(), nv.viewChanges(), o, self, null)));
    }
    return List.of(new Outbound(to, message));
  }
}
