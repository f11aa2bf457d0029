package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, item 10, at n = 7, f = 2: the new primary of view 1 (replica 1) and a colluder
 * (replica 2) send a NEW-VIEW whose O is right in view, sequence and digest, but whose re-issued
 * PRE-PREPARE replica 2 signed. A backup must refuse it: a PRE-PREPARE not from the primary can
 * never form a prepared certificate, so the slot would be stuck (and once threw a
 * NullPointerException on the PREPAREs that followed).
 */
class ColludingNewPrimaryTest {
  static final Quorum Q7 = new Quorum(7, 2);
  static final int BACKUP = 3;
  final Batch b = batch(request(1000, 1));

  private ReplicaFixture backup() {
    return new ReplicaFixture(new ReplicaConfig(Q7, BACKUP, 4, 5, 2, 4, 8, 100));
  }

  /** 2f + 1 VIEW-CHANGEs for view 1, one with a certificate for sequence 1 prepared in view 0. */
  private List<ViewChange> viewChanges() {
    PrePrepare pp = new PrePrepare(0, 1, b, Q7.primary(0), null);
    List<Prepare> prepares = IntStream.of(2, 4, 5, 6).mapToObj(i -> new Prepare(0, 1, b.digest(), i, null)).toList();
    PreparedProof cert = new PreparedProof(pp, prepares);
    return IntStream.of(0, 1, 2, 4, 5).mapToObj(i -> new ViewChange(1, 0, List.of(), i == 4 ? List.of(cert) : List.of(), i, null))
        .toList();
  }

  private void prepareFromEveryBackup(ReplicaFixture fx, long view) {
    for (int i = 0; i < Q7.n(); i++) {
      if (i != Q7.primary(view) && i != BACKUP) {
        fx.replica.onMessage(new Prepare(view, 1, b.digest(), i, null));
      }
    }
  }

  @Test
  void aReissuedPrePrepareSignedByAnotherThanTheNewPrimaryIsRefused() {
    ReplicaFixture fx = backup();
    PrePrepare byColluder = new PrePrepare(1, 1, b, 2, null);
    fx.replica.onMessage(new NewView(1, viewChanges(), List.of(byColluder), 1, null));
    assertThat(fx.replica.drops().get(DropReason.INVALID_NEW_VIEW)).isEqualTo(1);
    assertThat(fx.replica.view()).isZero();
    prepareFromEveryBackup(fx, 1); // dropped, and never reach a slot whose PRE-PREPARE has the wrong signer
    assertThat(fx.effects.broadcasts(Prepare.class)).isEmpty();
  }

  @Test
  void theSameNewViewFromThePrimaryItselfIsInstalledAndPrepares() {
    ReplicaFixture fx = backup();
    fx.replica.onMessage(new NewView(1, viewChanges(), List.of(new PrePrepare(1, 1, b, 1, null)), 1, null));
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.replica.isViewChanging()).isFalse();
    prepareFromEveryBackup(fx, 1);
    assertThat(fx.effects.broadcasts(dev.bft.core.message.Commit.class)).singleElement()
        .satisfies(c -> assertThat(c.digest()).isEqualTo(b.digest()));
  }
}
