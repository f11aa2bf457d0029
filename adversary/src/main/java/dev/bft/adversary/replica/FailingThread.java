package dev.bft.adversary.replica;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.ReplicaMessage;
import java.util.List;

/**
 * Not a lie but a failure of the replica's own: after {@code after} messages, the protocol thread
 * throws an Error while sending (as an exhausted heap or a bug would). The replica must stop with a
 * clear line rather than live on without its protocol thread (issue 22, item 4).
 */
public final class FailingThread implements OutboundFilter {
  private final int after;
  private int sent;

  public FailingThread(int after) {
    this.after = after;
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (++sent > after) {
      throw new OutOfMemoryError("injected by the thread-failure behaviour after " + after + " messages");
    }
    return List.of(new Outbound(to, message));
  }
}
