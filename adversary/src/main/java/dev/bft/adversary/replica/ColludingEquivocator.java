package dev.bft.adversary.replica;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Request;
import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A coalition that splits the correct replicas into two groups and shows each a different batch
 * for every sequence number, voting (PREPARE, COMMIT) for whichever batch the receiving group was
 * shown. With f traitors this cannot produce two 2f+1 quorums; with f + 1 it can, and correct
 * replicas execute different batches: the experiment that shows where the bound lies.
 */
public final class ColludingEquivocator implements OutboundFilter {
  /** Shared by the coalition: the alternative batch shown to group B at each (view, sequence). */
  private final Map<String, Batch> alternatives;
  private final java.util.Set<Integer> groupB;

  /** @param groupB the correct replicas shown the alternative batches; the others see the real ones */
  public ColludingEquivocator(Map<String, Batch> sharedAlternatives, java.util.Set<Integer> groupB) {
    this.alternatives = sharedAlternatives;
    this.groupB = java.util.Set.copyOf(groupB);
  }

  public static Map<String, Batch> newCoalition() {
    return new ConcurrentHashMap<>();
  }

  private Batch alternative(long view, long sequence, Batch real) {
    return alternatives.computeIfAbsent(view + ":" + sequence, k -> {
      List<Request> reversed = new ArrayList<>(real.requests());
      Collections.reverse(reversed);
      return Batch.of(reversed, real.timestamp() + 1);
    });
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (!groupB.contains(to)) {
      return List.of(new Outbound(to, message));
    }
    if (message instanceof PrePrepare pp) {
      return List.of(new Outbound(to, new PrePrepare(pp.view(), pp.sequence(),
          alternative(pp.view(), pp.sequence(), pp.batch()), self, null)));
    }
    if (message instanceof Prepare p) {
      Digest d = alternatives.containsKey(p.view() + ":" + p.sequence())
          ? alternatives.get(p.view() + ":" + p.sequence()).digest() : p.digest();
      return List.of(new Outbound(to, new Prepare(p.view(), p.sequence(), d, self, null)));
    }
    if (message instanceof Commit c) {
      Digest d = alternatives.containsKey(c.view() + ":" + c.sequence())
          ? alternatives.get(c.view() + ":" + c.sequence()).digest() : c.digest();
      return List.of(new Outbound(to, new Commit(c.view(), c.sequence(), d, self, null)));
    }
    return List.of(new Outbound(to, message));
  }
}
