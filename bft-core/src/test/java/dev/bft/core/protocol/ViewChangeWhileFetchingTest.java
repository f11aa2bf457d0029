package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ViewChange;
import dev.bft.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replica that joins a view starting from a checkpoint it has not reached moves its window there
 * and fetches the state; if the view fails before the state arrives, its VIEW-CHANGE must claim
 * that proven checkpoint. Found by LargeStateProcessTest: it claimed its old stable checkpoint (0)
 * with a certificate above that checkpoint's window, every peer refused the VIEW-CHANGE as
 * malformed, and the next view never formed (K = 4, L = 8 here).
 */
class ViewChangeWhileFetchingTest {
  final Digest state = Digest.sha256("state at 8".getBytes(StandardCharsets.UTF_8));
  final Batch b = batch(request(1000, 9));

  @Test
  void aViewChangeDuringAStateFetchClaimsTheCheckpointBeingFetched() {
    ReplicaFixture fx = new ReplicaFixture(3);
    List<ViewChange> vcs = List.of(
        new ViewChange(1, 8, NewViewPlanTest.proof(8, state), List.of(NewViewPlanTest.cert(0, 9, b)), 0, null),
        new ViewChange(1, 8, NewViewPlanTest.proof(8, state), List.of(), 1, null),
        new ViewChange(1, 8, NewViewPlanTest.proof(8, state), List.of(), 2, null));
    fx.replica.onMessage(new NewView(1, vcs, List.of(new PrePrepare(1, 9, b.digest(), null, 1, null)), 1, null));
    assertThat(fx.effects.fetches).containsExactly(8L);
    fx.replica.onMessage(new BatchReply(9, b, 1, null));
    fx.replica.onMessage(prepare(1, 9, b.digest(), 0));
    fx.replica.onMessage(prepare(1, 9, b.digest(), 2));
    fx.effects.clear();

    // View 1 fails before the state arrives: f + 1 replicas move to view 2, and this one joins them.
    fx.replica.onMessage(new ViewChange(2, 8, NewViewPlanTest.proof(8, state), List.of(), 0, null));
    fx.replica.onMessage(new ViewChange(2, 8, NewViewPlanTest.proof(8, state), List.of(), 2, null));
    ViewChange mine = fx.effects.broadcasts(ViewChange.class).get(0);
    assertThat(mine.newView()).isEqualTo(2);
    assertThat(mine.stableSequence()).isEqualTo(8);
    assertThat(mine.checkpointProof()).hasSize(3).allSatisfy(c -> assertThat(c.stateDigest()).isEqualTo(state));
    assertThat(mine.prepared()).singleElement().satisfies(p -> {
      assertThat(p.prePrepare().sequence()).isEqualTo(9);
      assertThat(p.prePrepare().view()).isEqualTo(1);
    });
  }
}
