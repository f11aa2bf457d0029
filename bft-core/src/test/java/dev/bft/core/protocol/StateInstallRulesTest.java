package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.checkpoint;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Reply;
import dev.bft.crypto.Digest;
import org.junit.jupiter.api.Test;

/** A replica that installs a checkpoint's state keeps exactly-once for clients that retry across it. */
class StateInstallRulesTest {

  @Test
  void aClientRetryingItsLastRequestAfterTheTransferGetsTheCachedReply() {
    // Replica 0 executes client 1000's request 7 up to checkpoint 4; replica 1 gets that state by transfer.
    ReplicaFixture source = new ReplicaFixture(2);
    for (long s = 1; s <= 4; s++) {
      source.commitAt(s, s == 3 ? batch(request(1000, 7)) : batch(request(2000 + (int) s, 1)));
    }
    Reply original = source.effects.replies.stream().filter(r -> r.clientId() == 1000).findFirst().orElseThrow();
    Digest d = StateDigests.checkpoint(source.service.stateDigest(), source.replica.clientTable());

    ReplicaFixture behind = new ReplicaFixture(1);
    behind.replica.onMessage(checkpoint(12, d, 0));
    behind.replica.onMessage(checkpoint(12, d, 2));
    behind.replica.onMessage(checkpoint(12, d, 3));
    assertThat(behind.effects.fetches).containsExactly(12L);
    behind.service.installChunk(0, source.service.snapshot().chunk(0));
    behind.replica.onStateInstalled(12, source.replica.clientTable().copy());
    assertThat(behind.replica.lastExecuted()).isEqualTo(12);
    assertThat(behind.replica.stableCheckpoint()).isEqualTo(12);

    behind.effects.clear();
    behind.replica.onRequest(request(1000, 7), 0);
    assertThat(behind.effects.replies).singleElement().satisfies(r -> {
      assertThat(r.requestNumber()).isEqualTo(7);
      assertThat(r.result()).isEqualTo(original.result());
    });
    assertThat(behind.effects.forwarded).as("not executed or ordered again").isEmpty();
  }

  @Test
  void anInstallThatWasNotAskedForIsIgnored() {
    ReplicaFixture fx = new ReplicaFixture(1);
    fx.replica.onStateInstalled(8, new ClientTable());
    assertThat(fx.replica.lastExecuted()).isZero();
  }
}
