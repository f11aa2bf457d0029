package dev.bft.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Matching replies complete a request (f + 1 for an ordered one, 2f + 1 for a read-only one); the
 * shell asks {@code wants} before it checks a reply's signature.
 */
class ClientCoreTest {
  final List<Long> completed = new ArrayList<>();
  final List<long[]> refused = new ArrayList<>();
  final List<byte[]> results = new ArrayList<>();
  final List<Integer> sentTo = new ArrayList<>();
  final List<Request> sentToAll = new ArrayList<>();
  final ClientEffects effects = new ClientEffects() {
    @Override
    public void send(int replica, Request request) {
      sentTo.add(replica);
    }

    @Override
    public void sendToAll(Request request) {
      sentToAll.add(request);
    }

    @Override
    public void setTimer(long ticks) {}

    @Override
    public void cancelTimer() {}

    @Override
    public void completed(long requestNumber, byte[] result) {
      completed.add(requestNumber);
      results.add(result);
    }

    @Override
    public void refused(long requestNumber, long laterExecuted) {
      refused.add(new long[] {requestNumber, laterExecuted});
    }
  };
  final ClientCore core = new ClientCore(1000, Quorum.ofReplicas(4), 300, 1, effects);

  private static Reply reply(long t, int from, int result) {
    return reply(0, t, from, result);
  }

  private static Reply reply(long view, long t, int from, int result) {
    return new Reply(view, 1000, t, new byte[] {(byte) result}, from, null);
  }

  @Test
  void onlyRepliesThatCanStillCountAreWanted() {
    long t = core.invoke(new byte[] {1}, false);
    assertThat(core.wants(reply(t, 1, 7))).isTrue();
    assertThat(core.wants(reply(t + 1, 1, 7))).as("another request number").isFalse();
    assertThat(core.wants(new Reply(0, 1001, t, new byte[] {7}, 1, null))).as("another client's").isFalse();
    assertThat(core.wants(reply(t, 4, 7))).as("not a replica").isFalse();
    core.onReply(reply(t, 1, 7));
    assertThat(core.wants(reply(t, 1, 7))).as("that replica already answered").isFalse();
    assertThat(core.wants(reply(t, 2, 7))).isTrue();
    core.onReply(reply(t, 2, 7));
    assertThat(completed).containsExactly(t);
    assertThat(core.wants(reply(t, 3, 7))).as("completed: the rest are surplus").isFalse();
  }

  @Test
  void aReplicaCannotCountTwiceOrOutvoteWithDifferentResults() {
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 2, 8));
    assertThat(completed).as("one reply twice and a mismatching one are not f + 1").isEmpty();
    core.onReply(reply(t, 3, 8));
    assertThat(completed).containsExactly(t);
  }

  @Test
  void oneReplicaNamingAFarViewWithItselfAsPrimaryDoesNotMoveTheClient() {
    // Replica 3 answers correctly but claims view 1003, whose primary is replica 3: were the client
    // to believe it, every request would go to the liar first and wait out a retransmission.
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(reply(1003, t, 3, 7));
    core.onReply(reply(0, t, 1, 7));
    assertThat(completed).containsExactly(t);
    assertThat(core.view()).as("one replica's word is not f + 1").isZero();
    sentTo.clear();
    core.invoke(new byte[] {2}, false);
    assertThat(sentTo).containsExactly(0);
  }

  @Test
  void fPlusOneReplicasReportingAViewMoveTheClient() {
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(reply(1, t, 1, 7));
    core.onReply(reply(1, t, 2, 7));
    assertThat(core.view()).isEqualTo(1);
    sentTo.clear();
    core.invoke(new byte[] {2}, false);
    assertThat(sentTo).containsExactly(1);
  }

  @Test
  void theViewIsTheHighestThatFPlusOneReplicasHaveReachedAndNeverGoesBack() {
    // Reports accumulate across requests, one (the latest) per replica: 5 from replica 1 and 9 from
    // replica 2 vouch for view 5 (at least one of them is correct and has reached it).
    long t1 = core.invoke(new byte[] {1}, false);
    core.onReply(reply(5, t1, 1, 7));
    core.onReply(reply(9, t1, 2, 7));
    assertThat(core.view()).isEqualTo(5);
    long t2 = core.invoke(new byte[] {2}, false);
    core.onReply(reply(2, t2, 3, 7));
    core.onReply(reply(3, t2, 0, 8));
    assertThat(core.view()).as("lower reports do not move the client back").isEqualTo(5);
    core.onReply(reply(9, t2, 1, 7));
    assertThat(core.view()).as("replicas 1 and 2 now both report 9").isEqualTo(9);
  }

  @Test
  void oneRefusalAsStaleIsNotEnoughAByzantineReplicaCouldLie() {
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(Reply.staleRefusal(0, 1000, t, t + 50, 3));
    assertThat(refused).isEmpty();
    assertThat(core.busy()).isTrue();
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 2, 7));
    assertThat(completed).as("the correct replicas' results still complete it").containsExactly(t);
  }

  @Test
  void fPlusOneRefusalsEndTheRequestAndNumberingResumesPastWhatACorrectReplicaVouchesFor() {
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(Reply.staleRefusal(0, 1000, t, Long.MAX_VALUE - 1, 3)); // a liar pushing towards overflow
    core.onReply(Reply.staleRefusal(0, 1000, t, t + 50, 1));
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0)).containsExactly(t, t + 50);
    assertThat(core.busy()).isFalse();
    assertThat(completed).isEmpty();
    assertThat(core.invoke(new byte[] {2}, false)).isEqualTo(t + 51);
  }

  @Test
  void aRefusalAndAResultDoNotMatch() {
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(Reply.staleRefusal(0, 1000, t, t + 1, 1));
    core.onReply(new Reply(0, 1000, t, new byte[0], 2, null));
    assertThat(completed).as("an empty result is not a refusal").isEmpty();
    assertThat(refused).isEmpty();
  }

  @Test
  void anAbandonedRequestIsSupersededByTheNextNumber() {
    long t = core.invoke(new byte[] {1}, false);
    core.abandon();
    assertThat(core.busy()).isFalse();
    assertThat(core.wants(reply(t, 1, 7))).as("late replies to it are not checked").isFalse();
    assertThat(core.invoke(new byte[] {2}, false)).isEqualTo(t + 1);
  }

  @Test
  void aRequestResumedInTheNextEpochKeepsItsNumberGoesToEveryReplicaAndLaterOnesFollowIt() {
    long t = core.invoke(new byte[] {1}, false);
    Request outstanding = core.outstanding();
    core.abandon();
    ClientCore next = new ClientCore(1000, Quorum.ofReplicas(7), 300, core.nextRequestNumber(), effects);
    assertThat(next.resume(outstanding.requestNumber(), outstanding.operation(), false)).isEqualTo(t);
    assertThat(sentToAll).as("the old epoch may have executed it: every replica may answer from its table")
        .extracting(Request::requestNumber).containsExactly(t);
    next.onReply(reply(t, 5, 7));
    next.onReply(reply(t, 6, 7));
    assertThat(completed).as("f + 1 of the new epoch's seven replicas are not enough").isEmpty();
    next.onReply(reply(t, 4, 7));
    assertThat(completed).containsExactly(t);
    assertThat(next.invoke(new byte[] {2}, false)).isEqualTo(t + 1);
    assertThatThrownBy(() -> new ClientCore(1000, Quorum.ofReplicas(4), 300, t + 5, effects).resume(t, new byte[] {1}, false))
        .as("a number below those already used could be taken for another request")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReadOnlyRequestNeedsTwoFPlusOneMatchingReplies() {
    long t = core.invoke(new byte[] {1}, true);
    assertThat(sentToAll).as("to every replica at once").hasSize(1);
    core.onReply(reply(t, 0, 7));
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 3, 6));
    assertThat(completed).as("f + 1 suffice for ordered requests, not for read-only ones").isEmpty();
    core.onReply(reply(t, 2, 7));
    assertThat(completed).containsExactly(t);
  }

  @Test
  void readOnlyRepliesThatDoNotAgreeInTimeMakeItAnOrderedRequestUnderANewNumber() {
    long t = core.invoke(new byte[] {1}, true);
    core.onReply(reply(t, 0, 7));
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 3, 6));
    core.onTimer();
    assertThat(core.readOnlyFallbacks()).isEqualTo(1);
    Request ordered = sentToAll.get(sentToAll.size() - 1);
    assertThat(ordered.readOnly()).isFalse();
    assertThat(ordered.requestNumber()).isGreaterThan(t);
    core.onReply(reply(t, 2, 7));
    assertThat(completed).as("a late read-only reply no longer counts").isEmpty();
    core.onReply(reply(ordered.requestNumber(), 0, 8));
    core.onReply(reply(ordered.requestNumber(), 1, 8));
    assertThat(completed).containsExactly(ordered.requestNumber());
    assertThat(results.get(0)).containsExactly(8);
  }

  @Test
  void aFactNeedsFPlusOneMatchingReadOnlyRepliesAndIsNeverOrdered() {
    long t = core.invokeFact(new byte[] {1});
    assertThat(sentToAll.get(0).readOnly()).isTrue();
    core.onReply(reply(t, 0, 7));
    core.onReply(reply(t, 3, 6));
    assertThat(completed).as("one reply could be a lie").isEmpty();
    core.onTimer();
    Request again = sentToAll.get(sentToAll.size() - 1);
    assertThat(again.readOnly()).as("asked again as a read, not ordered").isTrue();
    assertThat(again.requestNumber()).isEqualTo(t);
    assertThat(core.readOnlyFallbacks()).isZero();
    core.onReply(reply(t, 1, 7));
    assertThat(completed).containsExactly(t);

    long ordered = core.invoke(new byte[] {2}, true);
    core.onReply(reply(ordered, 0, 5));
    core.onReply(reply(ordered, 1, 5));
    assertThat(completed).as("the next read needs 2f + 1 again").containsExactly(t);
  }
}
