package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Digest replies (docs/protocol.md, Clients): a result longer than {@code reply.digest.bytes} goes
 * in full from the request's designated replier only and by digest from the others; a shorter one
 * goes in full from all; a retransmitted request is answered in full by everyone. The fixture's
 * service answers 40 bytes, so a threshold of 16 makes every result large and 64 every one small.
 */
class DigestReplyRulesTest {
  static final int LARGE = 16;
  static final int SMALL = 64;

  /** Clients 1000..1003, request 1 each: their designated repliers are 1, 2, 3 and 0. */
  static final Batch FOUR_CLIENTS = batch(request(1000, 1), request(1001, 1), request(1002, 1), request(1003, 1));

  static ReplicaFixture backup(int id, int threshold) {
    return new ReplicaFixture(new ReplicaConfig(Q, id, 4, 5, 2, 4, 8, 100).withReplyDigestBytes(threshold));
  }

  @Test
  void theDesignatedReplierIsAFunctionOfTheRequestThatRotatesOverTheReplicas() {
    assertThat(FOUR_CLIENTS.requests()).extracting(r -> Q.replier(r.clientId(), r.requestNumber()))
        .containsExactly(1, 2, 3, 0);
    assertThat(Q.replier(1000, 2)).as("a client's next request goes to the next replica").isEqualTo(2);
    assertThat(Q.replier(Integer.MAX_VALUE, Long.MAX_VALUE)).as("no overflow at the ends of the ranges")
        .isEqualTo((int) ((Integer.MAX_VALUE % 4 + Long.MAX_VALUE % 4) % 4));
  }

  @Test
  void aLargeResultGoesInFullFromItsDesignatedReplierAndByDigestFromTheOthers() {
    Map<Integer, byte[]> fullResults = new HashMap<>();
    for (int id = 1; id < 4; id++) {
      ReplicaFixture fx = backup(id, LARGE);
      fx.commitAt(1, FOUR_CLIENTS);
      assertThat(fx.effects.replies).hasSize(4);
      for (Reply r : fx.effects.replies) {
        boolean designated = Q.replier(r.clientId(), r.requestNumber()) == id;
        assertThat(r.digestOnly()).as("replica %d to client %d", id, r.clientId()).isEqualTo(!designated);
        assertThat(r.sender()).isEqualTo(id);
        if (designated) {
          assertThat(r.result()).hasSizeGreaterThan(LARGE);
          fullResults.put(r.clientId(), r.result());
        } else {
          assertThat(r.result()).isEmpty();
          // The digest is of the result this replica holds for the client (its client table).
          assertThat(r.resultDigest()).isEqualTo(Reply.digestOf(fx.replica.clientTable().get(r.clientId()).reply().result()));
        }
      }
    }
    // Each designated replier's result is the one the others vouch for.
    for (int id = 1; id < 4; id++) {
      ReplicaFixture fx = backup(id, LARGE);
      fx.commitAt(1, FOUR_CLIENTS);
      for (Reply r : fx.effects.replies) {
        if (r.digestOnly() && fullResults.containsKey(r.clientId())) {
          assertThat(r.resultDigest()).isEqualTo(Reply.digestOf(fullResults.get(r.clientId())));
        }
      }
    }
  }

  @Test
  void aResultAtOrBelowTheThresholdGoesInFullFromEveryReplica() {
    for (int threshold : new int[] {SMALL, 40, 0}) {
      ReplicaFixture fx = backup(2, threshold);
      fx.commitAt(1, FOUR_CLIENTS);
      assertThat(fx.effects.replies).as("threshold %d (0: never by digest)", threshold).hasSize(4)
          .allSatisfy(r -> {
            assertThat(r.digestOnly()).isFalse();
            assertThat(r.result()).hasSize(40);
          });
    }
  }

  @Test
  void aRetransmittedRequestIsAnsweredInFullWhereItsFirstAnswerWasADigest() {
    ReplicaFixture fx = backup(2, LARGE);
    fx.commitAt(1, FOUR_CLIENTS);
    Reply first = fx.effects.replies.stream().filter(r -> r.clientId() == 1000).findFirst().orElseThrow();
    assertThat(first.digestOnly()).as("replica 1 is client 1000's designated replier, not 2").isTrue();
    fx.effects.replies.clear();
    fx.replica.onRequest(request(1000, 1), 0);
    assertThat(fx.effects.replies).singleElement().satisfies(r -> {
      assertThat(r.digestOnly()).isFalse();
      assertThat(Reply.digestOf(r.result())).isEqualTo(first.resultDigest());
    });
  }

  @Test
  void theClientTableKeepsFullResultsSoItsCheckpointedBytesDoNotDependOnTheThreshold() {
    ReplicaFixture byDigest = backup(2, LARGE);
    ReplicaFixture inFull = backup(2, 0);
    byDigest.commitAt(1, FOUR_CLIENTS);
    inFull.commitAt(1, FOUR_CLIENTS);
    assertThat(byDigest.effects.replies).anyMatch(Reply::digestOnly);
    assertThat(byDigest.replica.clientTable().encode()).isEqualTo(inFull.replica.clientTable().encode());
    assertThatThrownBy(() -> new ClientTable().record(1000, 1, byDigest.effects.replies.stream()
        .filter(Reply::digestOnly).findFirst().orElseThrow()))
        .as("a digest in the table would leave a retransmitting client without its result")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRefusalIsNeverADigestReply() {
    ReplicaFixture fx = backup(2, 1);
    fx.commitAt(1, batch(request(1000, 5)));
    fx.effects.replies.clear();
    fx.replica.onRequest(request(1000, 3), 0);
    assertThat(fx.effects.replies).singleElement().satisfies(r -> {
      assertThat(r.refusal()).isTrue();
      assertThat(r.digestOnly()).isFalse();
    });
  }

  @Test
  void aReadOnlyRequestIsAnsweredByTheSameRule() {
    Request read = Request.unsigned(1001, 1, true, "read".getBytes(StandardCharsets.UTF_8));
    int designated = Q.replier(1001, 1);
    for (int id = 0; id < 4; id++) {
      ReplicaFixture fx = backup(id, LARGE);
      fx.replica.onRequest(read, 0);
      boolean byDigest = id != designated;
      assertThat(fx.effects.replies).as("replica %d", id).singleElement()
          .satisfies(r -> assertThat(r.digestOnly()).isEqualTo(byDigest));
    }
  }
}
