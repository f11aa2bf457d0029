package dev.bft.adversary.replica;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A replica that takes part in the protocol correctly and answers ordered requests truly, but
 * answers every read-only request with a stale result: what the same read returned the time before
 * (the state as it was then), or a wrong result the first time. A stale answer is the one most
 * likely to match correct replicas that lag behind. {@link #wrong()} answers every read wrongly
 * instead, so that its reply never matches and a read needs all the correct replicas' replies. The invariant it attacks: a read-only result
 * needs 2f + 1 matching replies, so what clients observe stays linearizable; where the replies do
 * not agree, the client falls back to an ordered request and still gets the right answer.
 */
public final class StaleReader implements OutboundFilter {
  /** Reads remembered at most; forgotten all at once when full (a faulty replica's memory is its own business). */
  static final int REMEMBERED = 4096;
  private final Map<ByteBuffer, Reply> lastAnswer = new HashMap<>();
  private final boolean alwaysWrong;

  /** Answers a read with its previous answer to the same read. */
  public StaleReader() {
    this(false);
  }

  private StaleReader(boolean alwaysWrong) {
    this.alwaysWrong = alwaysWrong;
  }

  /** Answers every read-only request with a wrong result (the true one with its last bit flipped). */
  public static StaleReader wrong() {
    return new StaleReader(true);
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    return List.of(new Outbound(to, message));
  }

  @Override
  public Reply toClientReadOnly(int self, Request request, Reply reply, long now) {
    if (alwaysWrong) {
      return answer(reply, null, self);
    }
    if (lastAnswer.size() >= REMEMBERED) {
      lastAnswer.clear();
    }
    Reply before = lastAnswer.put(ByteBuffer.wrap(request.operation().clone()), reply);
    return answer(reply, before, self);
  }

  /**
   * {@code before}'s answer in the form of {@code reply} (by digest or in full), or {@code reply}'s
   * with a bit flipped when there is none: a digest reply must stay one to count beside the
   * others', and a previous answer by digest gives no result to repeat in full.
   */
  private static Reply answer(Reply reply, Reply before, int self) {
    if (reply.digestOnly()) {
      Digest stale;
      if (before != null) {
        stale = before.digestOfResult();
      } else {
        byte[] d = reply.resultDigest().toBytes();
        d[d.length - 1] ^= 1;
        stale = Digest.of(d);
      }
      return Reply.digestOnly(reply.view(), reply.clientId(), reply.requestNumber(), stale, self);
    }
    byte[] stale = before != null && !before.digestOnly() ? before.result() : flipped(reply.result());
    return new Reply(reply.view(), reply.clientId(), reply.requestNumber(), stale, self, null);
  }

  private static byte[] flipped(byte[] result) {
    byte[] wrong = result.length == 0 ? new byte[1] : result.clone();
    wrong[wrong.length - 1] ^= 1;
    return wrong;
  }
}
