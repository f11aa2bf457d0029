package dev.bft.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A large result comes in full from one replica and by digest from the others (docs/protocol.md,
 * Clients): the client completes when f + 1 (2f + 1 for a read-only request) replicas agree on a
 * digest and a result with that digest is in hand, and never takes a result the quorum does not
 * vouch for. A read whose result does not come is asked again, under the next number, after an
 * eighth of the retransmission timeout.
 */
class ClientDigestRepliesTest {
  static final int CLIENT = 1000;
  static final byte[] RESULT = filled(2000, 7);
  static final byte[] LIE = filled(2000, 8);
  static final long TIMEOUT = 300;

  final List<Long> completed = new ArrayList<>();
  final List<byte[]> results = new ArrayList<>();
  final List<Request> sentToAll = new ArrayList<>();
  final List<Long> timers = new ArrayList<>();
  /** The timer the core has armed, or -1: one timer, re-armed by each setTimer. */
  long armed = -1;
  /** Ticks the fired timers stood for (see {@link #fire}). */
  long elapsed;
  final ClientEffects effects = new ClientEffects() {
    @Override
    public void send(int replica, Request request) {}

    @Override
    public void sendToAll(Request request) {
      sentToAll.add(request);
    }

    @Override
    public void setTimer(long ticks) {
      timers.add(ticks);
      armed = ticks;
    }

    @Override
    public void cancelTimer() {
      armed = -1;
    }

    @Override
    public void completed(long requestNumber, byte[] result) {
      completed.add(requestNumber);
      results.add(result);
    }

    @Override
    public void refused(long requestNumber, long laterExecuted) {}
  };

  static byte[] filled(int size, int value) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static Reply full(long t, int from, byte[] result) {
    return new Reply(0, CLIENT, t, result, from, null);
  }

  static Reply digest(long t, int from, byte[] result) {
    return Reply.digestOnly(0, CLIENT, t, Reply.digestOf(result), from);
  }

  ClientCore client(int n) {
    return new ClientCore(CLIENT, Quorum.ofReplicas(n), TIMEOUT, 1, effects);
  }

  @Test
  void oneFullResultAndFDigestsCompleteInEitherOrder() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(full(t, 1, RESULT));
    assertThat(completed).isEmpty();
    core.onReply(digest(t, 2, RESULT));
    assertThat(completed).containsExactly(t);
    assertThat(results.get(0)).isEqualTo(RESULT);

    ClientCore seven = client(7);
    long u = seven.invoke(new byte[] {1}, false);
    seven.onReply(digest(u, 2, RESULT));
    seven.onReply(digest(u, 3, RESULT));
    assertThat(completed).as("f + 1 = 3 digests, but no result in hand").containsExactly(t);
    seven.onReply(full(u, 4, RESULT));
    assertThat(completed).containsExactly(t, u);
    assertThat(results.get(1)).isEqualTo(RESULT);
  }

  @Test
  void digestsAloneNeverComplete() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, false);
    for (int r = 0; r < 4; r++) {
      core.onReply(digest(t, r, RESULT));
    }
    assertThat(completed).as("every replica vouches for it, but nobody sent it").isEmpty();
    assertThat(core.progress()).contains("4 matching").contains("only by digest");
  }

  @Test
  void aDesignatedReplierLyingAboutTheFullResultCannotMakeTheClientTakeIt() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(full(t, 1, LIE)); // replica 1, the designated replier, is Byzantine
    core.onReply(digest(t, 0, RESULT));
    core.onReply(digest(t, 2, RESULT));
    core.onReply(digest(t, 3, RESULT));
    assertThat(completed).as("three replicas vouch for a result whose bytes nobody sent; one sent a lie").isEmpty();
    core.onTimer();
    assertThat(sentToAll).singleElement().satisfies(r -> assertThat(r.requestNumber()).isEqualTo(t));
    assertThat(core.wants(full(t, 1, RESULT))).as("the liar already sent its result").isFalse();
    assertThat(core.wants(full(t, 2, RESULT))).as("a replica that sent a digest may now send the result").isTrue();
    core.onReply(full(t, 2, RESULT));
    assertThat(completed).containsExactly(t);
    assertThat(results).singleElement().isEqualTo(RESULT);
  }

  @Test
  void aLieBackedOnlyByFDigestsIsNotTaken() {
    // n = 7, f = 2: replicas 5 and 6 are Byzantine, one sends the lie in full and the other vouches for it.
    ClientCore core = client(7);
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(full(t, 5, LIE));
    core.onReply(digest(t, 6, LIE));
    core.onReply(digest(t, 0, RESULT));
    core.onReply(digest(t, 1, RESULT));
    assertThat(completed).isEmpty();
    core.onReply(full(t, 2, RESULT));
    assertThat(completed).containsExactly(t);
    assertThat(results).singleElement().isEqualTo(RESULT);
  }

  @Test
  void whenTheDesignatedReplierIsSilentTheRetransmissionBringsTheResultFromAnother() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(digest(t, 0, RESULT));
    core.onReply(digest(t, 2, RESULT));
    assertThat(completed).isEmpty();
    core.onTimer();
    assertThat(sentToAll).as("the same request to every replica: it executed, so they answer in full")
        .singleElement().satisfies(r -> assertThat(r.requestNumber()).isEqualTo(t));
    core.onReply(full(t, 0, RESULT));
    assertThat(completed).containsExactly(t);
    assertThat(results).singleElement().isEqualTo(RESULT);
  }

  @Test
  void aReplicaHoldsOneVoteAndMayReplaceItsDigestOnlyByAFullResultOnce() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(digest(t, 3, RESULT));
    assertThat(core.wants(digest(t, 3, RESULT))).as("a second digest adds nothing").isFalse();
    assertThat(core.wants(Reply.staleRefusal(0, CLIENT, t, t + 1, 3))).as("nor a refusal after a result").isFalse();
    core.onReply(full(t, 3, LIE)); // replica 3 changes its mind: its vote moves, it does not double
    assertThat(core.wants(full(t, 3, RESULT))).as("after its full result, nothing more from it").isFalse();
    core.onReply(full(t, 1, RESULT));
    assertThat(completed).as("replica 3 no longer vouches for the result: one vote of the two needed").isEmpty();
    core.onReply(digest(t, 2, RESULT));
    assertThat(completed).containsExactly(t);
    assertThat(results).singleElement().isEqualTo(RESULT);
  }

  @Test
  void aReadOnlyRequestNeedsTwoFPlusOneAgreeingOnTheDigestAndTheResultInHand() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, true);
    core.onReply(digest(t, 0, RESULT));
    core.onReply(full(t, 1, RESULT));
    core.onReply(digest(t, 3, LIE));
    assertThat(completed).as("f + 1 are not enough for a read").isEmpty();
    core.onReply(digest(t, 2, RESULT));
    assertThat(completed).containsExactly(t);
    assertThat(results).singleElement().isEqualTo(RESULT);
  }

  @Test
  void aReadOnlyRequestWhoseResultDoesNotComeAtAllFallsBackToTheOrderedPath() {
    ClientCore core = client(4);
    long t = core.invoke(new byte[] {1}, true);
    core.onReply(digest(t, 0, RESULT));
    core.onReply(digest(t, 2, RESULT));
    assertThat(timers).as("only f + 1 agree: the retransmission timer stands").containsExactly(TIMEOUT);
    core.onTimer();
    assertThat(core.readOnlyFallbacks()).isEqualTo(1);
    assertThat(core.readOnlyReasks()).isZero();
    Request ordered = sentToAll.get(sentToAll.size() - 1);
    assertThat(ordered.readOnly()).isFalse();
    core.onReply(full(ordered.requestNumber(), 3, RESULT));
    core.onReply(digest(ordered.requestNumber(), 0, RESULT));
    assertThat(completed).containsExactly(ordered.requestNumber());
  }

  /** The armed timer fires. */
  void fire(ClientCore core) {
    assertThat(armed).as("a timer is armed").isPositive();
    elapsed += armed;
    core.onTimer();
  }

  /** A core whose first request number makes {@code replier} the designated replier of its first request. */
  ClientCore client(Quorum quorum, int replier) {
    long first = Math.floorMod(replier - CLIENT, quorum.n());
    ClientCore core = new ClientCore(CLIENT, quorum, TIMEOUT, first, effects);
    assertThat(quorum.replier(CLIENT, first)).isEqualTo(replier);
    return core;
  }

  // A read whose designated replier is down, slow or lying: once 2f + 1 agree on the digest, an
  // eighth of the timeout, then the read again under the next number (time: the ticks of fired timers).

  @Test
  void aReadWhoseDesignatedReplierNeverAnswersCompletesWithAnotherReplicasResultWellBeforeTheTimeout() {
    Quorum q = Quorum.ofReplicas(4);
    ClientCore core = client(q, 3);
    long t = core.invoke(new byte[] {1}, true);
    for (int r = 0; r < 3; r++) {
      core.onReply(digest(t, r, RESULT)); // replica 3, the designated replier, is down
    }
    assertThat(results).isEmpty();
    assertThat(armed).as("2f + 1 agree and only the result is missing: a short wait").isEqualTo(TIMEOUT / 8);
    fire(core);
    Request again = sentToAll.get(sentToAll.size() - 1);
    assertThat(again.readOnly()).as("asked again as a read, not ordered").isTrue();
    assertThat(again.requestNumber()).isEqualTo(t + 1);
    assertThat(q.replier(CLIENT, again.requestNumber())).isEqualTo(0);
    core.onReply(full(t, 3, RESULT));
    assertThat(results).as("a late reply to the first number counts for nothing").isEmpty();
    core.onReply(full(again.requestNumber(), 0, RESULT));
    assertThat(results).as("the agreed digest's result, before the new read's own quorum").singleElement()
        .isEqualTo(RESULT);
    assertThat(elapsed).as("ticks waited").isLessThan(TIMEOUT);
    assertThat(armed).as("nothing left to wait for").isEqualTo(-1);
    assertThat(core.readOnlyReasks()).isEqualTo(1);
    assertThat(core.readOnlyFallbacks()).isZero();
  }

  @Test
  void aFullResultThatDoesNotMatchTheAgreedDigestIsNeverTaken() {
    Quorum q = Quorum.ofReplicas(4);
    ClientCore core = client(q, 1);
    long t = core.invoke(new byte[] {1}, true);
    core.onReply(full(t, 1, LIE)); // replica 1, the designated replier, is Byzantine
    core.onReply(digest(t, 0, RESULT));
    core.onReply(digest(t, 2, RESULT));
    core.onReply(digest(t, 3, RESULT));
    assertThat(results).isEmpty();
    fire(core);
    long again = sentToAll.get(sentToAll.size() - 1).requestNumber();
    assertThat(q.replier(CLIENT, again)).isEqualTo(2);
    core.onReply(full(again, 1, LIE));
    assertThat(results).as("the liar's result, sent in full again, does not match the 2f + 1 digests").isEmpty();
    core.onReply(full(again, 2, RESULT));
    assertThat(results).singleElement().isEqualTo(RESULT);
    assertThat(elapsed).isLessThan(TIMEOUT);
  }

  @Test
  void withSevenReplicasTheReadIsAskedAgainAtMostFTimesThenTakesTheOrderedPath() {
    // f = 2: replicas 5 and 6, the designated repliers of the first two numbers, never send a result.
    Quorum q = Quorum.ofReplicas(7);
    ClientCore core = client(q, 5);
    long t = core.invoke(new byte[] {1}, true);
    for (int attempt = 0; attempt < 3; attempt++) {
      for (int r = 0; r < 5; r++) {
        core.onReply(digest(t + attempt, r, RESULT));
      }
      assertThat(results).isEmpty();
      fire(core);
    }
    assertThat(core.readOnlyReasks()).as("twice: to replica 6, then to replica 0, who also stays silent here").isEqualTo(2);
    assertThat(elapsed).as("two short waits, then the retransmission timeout").isEqualTo(2 * (TIMEOUT / 8) + TIMEOUT);
    Request ordered = sentToAll.get(sentToAll.size() - 1);
    assertThat(ordered.readOnly()).isFalse();
    assertThat(core.readOnlyFallbacks()).isEqualTo(1);
    core.onReply(full(ordered.requestNumber(), 6, LIE));
    core.onReply(digest(ordered.requestNumber(), 0, RESULT));
    core.onReply(digest(ordered.requestNumber(), 1, RESULT));
    assertThat(results).as("the ordered path needs its own f + 1 with the result in hand").isEmpty();
    core.onReply(full(ordered.requestNumber(), 2, RESULT));
    assertThat(results).singleElement().isEqualTo(RESULT);
  }

  @Test
  void aResultThatIsMerelySlowCompletesTheReadWithoutAskingAgain() {
    ClientCore core = client(Quorum.ofReplicas(4), 2);
    long t = core.invoke(new byte[] {1}, true);
    core.onReply(digest(t, 0, RESULT));
    core.onReply(digest(t, 1, RESULT));
    core.onReply(digest(t, 3, RESULT));
    core.onReply(full(t, 2, RESULT));
    assertThat(results).singleElement().isEqualTo(RESULT);
    assertThat(armed).isEqualTo(-1);
    assertThat(sentToAll).singleElement().satisfies(r -> assertThat(r.requestNumber()).isEqualTo(t));
    assertThat(core.readOnlyReasks()).isZero();
  }
}
