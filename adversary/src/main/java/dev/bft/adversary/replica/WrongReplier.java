package dev.bft.adversary.replica;

import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.List;

/**
 * A replica that takes part in the protocol correctly but tells clients a wrong result for every
 * request (a bit flipped): in a digest reply a wrong digest, and as a large result's designated
 * replier a wrong result in full. The invariant it attacks: a client accepts only a result f + 1
 * replicas agree on, by digest or in full, so what clients observe stays linearizable.
 */
public final class WrongReplier implements OutboundFilter {
  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    return List.of(new Outbound(to, message));
  }

  @Override
  public Reply toClient(int self, Reply reply, long now) {
    if (reply.digestOnly()) {
      byte[] wrong = reply.resultDigest().toBytes();
      wrong[wrong.length - 1] ^= 1;
      return Reply.digestOnly(reply.view(), reply.clientId(), reply.requestNumber(), dev.bft.crypto.Digest.of(wrong), self);
    }
    byte[] wrong = reply.result().clone();
    if (wrong.length == 0) {
      wrong = new byte[] {1};
    } else {
      wrong[wrong.length - 1] ^= 1;
    }
    return new Reply(reply.view(), reply.clientId(), reply.requestNumber(), wrong, self, null);
  }
}
