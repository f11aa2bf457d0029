package dev.bft.core.byzantine;

import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import java.util.List;

/**
 * How a Byzantine replica rewrites what its (correct) core decided to send: replace a message,
 * send different messages to different peers, add, delay for replay, or drop. Behaviours live in
 * the adversary module; the simulator applies the filter to every message the replica emits and
 * excludes the replica from the checks that bind only correct replicas.
 */
public interface OutboundFilter {
  /** One message to one destination, sent {@code delay} ticks (milliseconds in a real replica) late. */
  record Outbound(int to, ReplicaMessage message, long delay) {
    public Outbound(int to, ReplicaMessage message) {
      this(to, message, 0);
    }
  }

  /** What to send instead of {@code message} to replica {@code to}; an empty list drops it. */
  List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now);

  /** What to reply instead of {@code reply}; null drops it. */
  default Reply toClient(int self, Reply reply, long now) {
    return reply;
  }

  /** What to reply instead of {@code reply} to the read-only {@code request}; null drops it. */
  default Reply toClientReadOnly(int self, dev.bft.core.message.Request request, Reply reply, long now) {
    return toClient(self, reply, now);
  }
}
