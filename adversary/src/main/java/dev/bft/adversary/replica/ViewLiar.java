package dev.bft.adversary.replica;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import java.util.List;

/**
 * A replica that takes part in the protocol correctly and answers clients with the right result,
 * but names in every reply a far view whose primary is itself. A client that believed it would send
 * every request to this replica first and wait out a retransmission each time; a client must adopt
 * only a view that f + 1 replicas vouch for (issue 22, item 7).
 */
public final class ViewLiar implements OutboundFilter {
  private final int n;

  public ViewLiar(int n) {
    this.n = n;
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    return List.of(new Outbound(to, message));
  }

  @Override
  public Reply toClient(int self, Reply reply, long now) {
    long far = (reply.view() / n + 1000) * n + self;
    return new Reply(far, reply.clientId(), reply.requestNumber(), reply.result(), self, null, reply.laterExecuted(),
        reply.resultDigest());
  }
}
