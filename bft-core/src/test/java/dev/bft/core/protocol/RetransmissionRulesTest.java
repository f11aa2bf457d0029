package dev.bft.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Request;
import dev.bft.core.message.Status;
import org.junit.jupiter.api.Test;

/** What a replica re-sends to a peer that says it is stuck (STATUS), and how much. */
class RetransmissionRulesTest {
  static Request large(int client) {
    return Request.unsigned(client, 1, false, new byte[5 << 20]);
  }

  @Test
  void thePrimaryReSendsItsPrePreparesWithBatchesUpToAByteBudgetPerAnswer() {
    ReplicaFixture fx = new ReplicaFixture(0); // primary of view 0; pipeline depth 2
    fx.replica.onRequest(large(1000), 0);
    fx.replica.onRequest(large(1001), 1);
    fx.replica.onTimer(TimerId.BATCH);
    assertThat(fx.effects.broadcasts(PrePrepare.class)).as("two slots of 5 MiB batches in flight").hasSize(2);
    fx.effects.clear();

    fx.replica.onMessage(new Status(0, 0, 3, null));
    assertThat(fx.effects.sent).filteredOn(s -> s.message() instanceof PrePrepare)
        .as("the first batch exceeds the budget alone; the answer stops there, the next period resumes above it")
        .singleElement().satisfies(s -> {
          assertThat(s.to()).isEqualTo(3);
          assertThat(((PrePrepare) s.message()).sequence()).isEqualTo(1);
        });
  }

  @Test
  void anIdleReplicaAsksInItsFirstQuietPeriodAndThenEveryEighthSoAQuietClusterStillBringsItUp() {
    // A replica restarted empty on a cluster that went quiet hears of no work and no checkpoint:
    // only asking tells the others to send it their checkpoint votes.
    ReplicaFixture fx = new ReplicaFixture(3);
    int[] asked = new int[20];
    for (int period = 0; period < asked.length; period++) {
      fx.effects.clear();
      fx.replica.onTimer(TimerId.STATUS);
      asked[period] = fx.effects.broadcasts(Status.class).size();
    }
    assertThat(asked).as("its first period counts its start as progress").containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
  }
}
