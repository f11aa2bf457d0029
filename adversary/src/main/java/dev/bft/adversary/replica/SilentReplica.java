package dev.bft.adversary.replica;

import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.List;

/** A replica that receives everything and sends nothing, to replicas or clients: a crash that nobody detects. */
public final class SilentReplica implements OutboundFilter {
  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    return List.of();
  }

  @Override
  public Reply toClient(int self, Reply reply, long now) {
    return null;
  }
}
