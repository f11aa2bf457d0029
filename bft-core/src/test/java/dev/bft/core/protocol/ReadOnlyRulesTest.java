package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.commit;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Read-only requests (docs/protocol.md, Clients): answered against the executed state, but only
 * once the replica executed every sequence number it sent a COMMIT for (n = 4, f = 1).
 */
class ReadOnlyRulesTest {
  static Request read(int client, long t) {
    return Request.unsigned(client, t, true, "read".getBytes(StandardCharsets.UTF_8));
  }

  /** Backup 2 prepares sequence 1 and sends its COMMIT, but has not seen the others' COMMITs yet. */
  static Batch committedToButNotExecuted(ReplicaFixture fx) {
    Batch b = batch(ReplicaFixture.request(1000, 1));
    fx.replica.onMessage(prePrepare(0, 1, b));
    fx.replica.onMessage(prepare(0, 1, b.digest(), 1));
    fx.replica.onMessage(prepare(0, 1, b.digest(), 3));
    assertThat(fx.effects.broadcasts(dev.bft.core.message.Commit.class)).hasSize(1);
    return b;
  }

  @Test
  void aReadIsAnsweredAtOnceWhenEverythingThisReplicaCommittedToHasExecuted() {
    ReplicaFixture fx = new ReplicaFixture(2);
    fx.replica.onRequest(read(1001, 1), 0);
    assertThat(fx.effects.replies).singleElement().satisfies(r -> assertThat(r.requestNumber()).isEqualTo(1));
  }

  @Test
  void aReadWaitsUntilTheSequencesThisReplicaSentACommitForHaveExecuted() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch b = committedToButNotExecuted(fx);
    fx.replica.onRequest(read(1001, 1), 0);
    assertThat(fx.effects.replies).as("a write it committed to may have completed at a client").isEmpty();
    assertThat(fx.replica.deferredReads()).isEqualTo(1);
    fx.replica.onMessage(commit(0, 1, b.digest(), 0));
    fx.replica.onMessage(commit(0, 1, b.digest(), 1));
    assertThat(fx.effects.executed).containsExactly(1L);
    assertThat(fx.effects.replies).extracting(r -> r.clientId()).containsExactly(1000, 1001);
    assertThat(fx.effects.replies.get(1).result()).as("answered from the state with the write")
        .isEqualTo(fx.service.executeReadOnly(read(1001, 1).operation()));
    assertThat(fx.replica.deferredReads()).isZero();
  }

  @Test
  void aClientsNewerReadReplacesItsWaitingOne() {
    ReplicaFixture fx = new ReplicaFixture(2);
    Batch b = committedToButNotExecuted(fx);
    fx.replica.onRequest(read(1001, 1), 0);
    fx.replica.onRequest(read(1001, 2), 0);
    assertThat(fx.replica.deferredReads()).as("one per client: bounded by the clients").isEqualTo(1);
    fx.replica.onMessage(commit(0, 1, b.digest(), 0));
    fx.replica.onMessage(commit(0, 1, b.digest(), 1));
    assertThat(fx.effects.replies).filteredOn(r -> r.clientId() == 1001).singleElement()
        .satisfies(r -> assertThat(r.requestNumber()).isEqualTo(2));
  }
}
