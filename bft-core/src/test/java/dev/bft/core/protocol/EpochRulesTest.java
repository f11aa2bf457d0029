package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.checkpoint;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The epoch's end (docs/reconfiguration.md), at replicas of n = 4 with K = 4: the first executed
 * reconfiguration ends it, nothing after it executes whatever a primary ordered, the epoch
 * checkpoint at the next multiple of K covers the next configuration, and a replica that restarts
 * knows the end from its client table.
 */
class EpochRulesTest {
  static final int ADMIN = 900;
  static final Digest NEXT = Digest.sha256("configuration of epoch 1".getBytes(StandardCharsets.UTF_8));

  /** Administrator 900's "end" ends epoch {@code epoch} with {@code next}; anything else it sends is refused. */
  static Epochs rules(long epoch, Digest next) {
    return rules(epoch, next, 0, Digest.ZERO);
  }

  /** As above, the epoch starting at checkpoint {@code start} of digest {@code state}. */
  static Epochs rules(long epoch, Digest next, long start, Digest state) {
    return new Epochs() {
      @Override
      public long epoch() {
        return epoch;
      }

      @Override
      public long startSequence() {
        return start;
      }

      @Override
      public Digest startState() {
        return state;
      }

      @Override
      public boolean administrator(int client) {
        return client == ADMIN;
      }

      @Override
      public Verdict check(int client, byte[] operation) {
        if (client != ADMIN) {
          return null;
        }
        return new String(operation, StandardCharsets.UTF_8).equals("end") ? new Ends(next)
            : new Answer("refused: not a reconfiguration".getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  static Request admin(long t, String op) {
    return Request.unsigned(ADMIN, t, false, op.getBytes(StandardCharsets.UTF_8));
  }

  private static ReplicaFixture governed(int id, Digest next) {
    ReplicaFixture fx = new ReplicaFixture(id);
    fx.replica.governedBy(rules(0, next));
    return fx;
  }

  private static List<Integer> answered(ReplicaFixture fx) {
    return fx.effects.replies.stream().map(Reply::clientId).toList();
  }

  @Test
  void nothingAfterTheReconfigurationExecutesInItsEpochWhateverThePrimaryOrdered() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(request(1000, 1)));
    fx.commitAt(2, batch(admin(1, "end"), request(1001, 1)));
    fx.commitAt(3, batch(request(1002, 1)));

    assertThat(answered(fx)).containsExactly(1000, ADMIN);
    assertThat(fx.replica.epochEnded()).isTrue();
    assertThat(fx.replica.lastExecuted()).as("the null-or-not batches up to the epoch checkpoint still pass").isEqualTo(3);
    assertThat(fx.effects.epochsEnded).singleElement().satisfies(e -> assertThat(e).containsExactly(2L, 4L, NEXT));
    assertThat(EpochEnd.fromResult(fx.effects.replies.get(1).result())).isEqualTo(new EpochEnd(0, 2, 4, NEXT));
  }

  @Test
  void aRefusedReconfigurationChangesNothing() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(admin(1, "frobnicate"), request(1000, 1)));

    assertThat(fx.replica.epochEnded()).isFalse();
    assertThat(answered(fx)).containsExactly(ADMIN, 1000);
    assertThat(new String(fx.effects.replies.get(0).result(), StandardCharsets.UTF_8)).startsWith("refused: ");
  }

  @Test
  void theEpochCheckpointIsTheOrdinaryOneBoundToTheNextConfiguration() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(admin(1, "end")));
    for (long s = 2; s <= 4; s++) {
      fx.commitAt(s, dev.bft.core.message.Batch.nullRequest());
    }
    Digest ordinary = StateDigests.checkpoint(fx.service.stateDigest(), fx.replica.clientTable());

    assertThat(fx.effects.broadcasts(Checkpoint.class)).singleElement().satisfies(c -> {
      assertThat(c.sequence()).isEqualTo(4);
      assertThat(c.stateDigest()).isEqualTo(StateDigests.epoch(ordinary, NEXT)).isNotEqualTo(ordinary);
    });
  }

  @Test
  void theStableEpochCheckpointIsTheEpochProof() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(admin(1, "end")));
    for (long s = 2; s <= 4; s++) {
      fx.commitAt(s, dev.bft.core.message.Batch.nullRequest());
    }
    Digest d = fx.effects.broadcasts(Checkpoint.class).get(0).stateDigest();
    fx.replica.onMessage(checkpoint(4, d, 2));
    assertThat(fx.effects.epochProofs).isEmpty();
    fx.replica.onMessage(checkpoint(4, d, 3));

    assertThat(fx.effects.epochProofs).singleElement().satisfies(proof ->
        assertThat(proof).extracting(Checkpoint::sender).containsExactlyInAnyOrder(1, 2, 3));
  }

  @Test
  void afterTheEndRequestsAreDroppedAndNothingIsAcceptedBeyondTheEpochCheckpoint() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(admin(1, "end")));
    fx.effects.clear();

    fx.replica.onRequest(request(1003, 1), 0);
    fx.replica.onMessage(prePrepare(0, 5, batch(request(1004, 1))));

    assertThat(fx.replica.drops().get(DropReason.EPOCH_ENDED)).isEqualTo(2);
    assertThat(fx.effects.forwarded).isEmpty();
  }

  @Test
  void aPrimaryThatDoesNotOrderUpToTheEpochCheckpointIsSuspected() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(admin(1, "end")));
    assertThat(fx.effects.timersSet).as("the backup waits for the null batches up to 4").contains(TimerId.VIEW_CHANGE);
    fx.effects.clear();

    fx.replica.onTimer(TimerId.VIEW_CHANGE); // found in simulation: nothing waits here, yet the epoch cannot end

    assertThat(fx.effects.broadcasts(dev.bft.core.message.ViewChange.class)).singleElement()
        .satisfies(vc -> assertThat(vc.newView()).isEqualTo(1));
  }

  @Test
  void aNewPrimaryThatReProposesTheReconfigurationOrdersOnlyNullBatchesAfterIt() {
    ReplicaFixture fx = governed(1, NEXT); // primary of view 1
    dev.bft.core.message.Batch end = batch(admin(1, "end"));
    fx.replica.onMessage(prePrepare(0, 1, end)); // it holds the batch from view 0
    var prepared = NewViewPlanTest.cert(0, 1, end);
    fx.replica.onMessage(new dev.bft.core.message.ViewChange(1, 0, List.of(), List.of(prepared), 2, null));
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 3));
    assertThat(fx.replica.isPrimary()).isTrue();

    fx.replica.onRequest(request(1000, 1), 0); // found in simulation: it went into sequence 2, after the end
    if (fx.effects.timersSet.contains(TimerId.BATCH)) {
      fx.replica.onTimer(TimerId.BATCH); // the partial batch's delay (sequence 1 is still in flight)
    }

    List<PrePrepare> after = fx.effects.broadcasts(PrePrepare.class).stream().filter(pp -> pp.sequence() > 1).toList();
    assertThat(after).as("a null batch, as far as the pipeline goes, nothing else").extracting(PrePrepare::sequence)
        .containsExactly(2L);
    assertThat(after).allSatisfy(pp -> assertThat(pp.batch().isNull()).isTrue());
  }

  @Test
  void thePrimaryOrdersOnlyNullBatchesAfterItsReconfiguration() {
    ReplicaFixture fx = governed(0, NEXT);
    fx.replica.onRequest(admin(1, "end"), 0);
    fx.replica.onRequest(request(1000, 1), 0);

    List<PrePrepare> ordered = fx.effects.broadcasts(PrePrepare.class);
    assertThat(ordered).extracting(PrePrepare::sequence).containsExactly(1L, 2L);
    assertThat(ordered.get(0).batch().requests()).extracting(Request::clientId).containsExactly(ADMIN);
    assertThat(ordered.get(1).batch().isNull()).isTrue();
  }

  @Test
  void aRestartedReplicaFindsTheEndInItsClientTableButNotAnEarlierEpochs() {
    ReplicaFixture fx = governed(1, NEXT);
    fx.commitAt(1, batch(admin(1, "end")));
    RecoveredState state = new RecoveredState(1, fx.replica.clientTable(), List.of());

    Replica restarted = Replica.recover(fx.replica.config(), new dev.bft.core.sim.AppendOnlyService(),
        new RecordingEffects(), state);
    restarted.governedBy(rules(0, NEXT));
    assertThat(restarted.epochEnded()).isTrue();

    Replica nextEpoch = Replica.recover(fx.replica.config(), new dev.bft.core.sim.AppendOnlyService(),
        new RecordingEffects(), state);
    nextEpoch.governedBy(rules(1, NEXT));
    assertThat(nextEpoch.epochEnded()).as("the table came along from epoch 0").isFalse();
  }

  @Test
  void aNewEpochsFirstCheckpointNeedsNoProofInAViewChangeButNothingBeforeItCounts() {
    Digest state = Digest.sha256(new byte[] {8});
    for (boolean knowsTheStart : new boolean[] {true, false}) {
      RecordingEffects effects = new RecordingEffects();
      Replica r = Replica.recover(new ReplicaFixture(1).replica.config(), new dev.bft.core.sim.AppendOnlyService(), effects,
          new RecoveredState(8, new ClientTable(), List.of(new LogRecord.StableCheckpoint(8, List.of()))));
      r.governedBy(knowsTheStart ? rules(1, NEXT, 8, state) : rules(1, NEXT));
      for (int from : new int[] {0, 2, 3}) {
        r.onMessage(new dev.bft.core.message.ViewChange(1, 8, List.of(), List.of(), from, null));
      }
      assertThat(effects.broadcasts(dev.bft.core.message.NewView.class)).as("the new primary's NEW-VIEW, knowing the start: "
          + knowsTheStart).hasSize(knowsTheStart ? 1 : 0);
    }
  }

  @Test
  void aMemberWithoutTheEpochsStartFetchesItAndHoldsItAsAStableCheckpointWithoutProof() {
    Digest state = Digest.sha256(new byte[] {9});
    RecordingEffects effects = new RecordingEffects();
    Replica fresh = new Replica(new ReplicaFixture(3).replica.config(), new dev.bft.core.sim.AppendOnlyService(), effects);
    fresh.governedBy(rules(1, NEXT, 8, state));
    fresh.start();
    assertThat(effects.fetches).as("the start of epoch 1, proven by epoch 0").containsExactly(8L);

    fresh.onStateInstalled(8, new ClientTable());
    assertThat(fresh.lastExecuted()).isEqualTo(8);
    assertThat(fresh.stableCheckpoint()).isEqualTo(8);
    assertThat(fresh.stableCheckpointProof()).isEmpty();
    assertThat(effects.persisted).contains(new LogRecord.StableCheckpoint(8, List.of()));

    RecordingEffects already = new RecordingEffects();
    Replica staying = Replica.recover(new ReplicaFixture(1).replica.config(), new dev.bft.core.sim.AppendOnlyService(), already,
        new RecoveredState(8, new ClientTable(), List.of(new LogRecord.StableCheckpoint(8, List.of()))));
    staying.governedBy(rules(1, NEXT, 8, state));
    staying.start();
    assertThat(already.fetches).as("a replica that holds the start fetches nothing").isEmpty();
  }

  @Test
  void anAdministratorsReadAnswersTheEpochButNeverReconfigures() {
    ReplicaFixture fx = governed(2, NEXT);
    fx.replica.onRequest(Request.unsigned(ADMIN, 1, true, "end".getBytes(StandardCharsets.UTF_8)), 0);
    fx.replica.onRequest(Request.unsigned(ADMIN, 2, true, "check".getBytes(StandardCharsets.UTF_8)), 0);
    assertThat(fx.replica.epochEnded()).as("a read never ends the epoch").isFalse();
    assertThat(fx.effects.replies).extracting(r -> new String(r.result(), StandardCharsets.UTF_8))
        .containsExactly("refused: a reconfiguration is ordered, never read", "refused: not a reconfiguration");
  }

  @Test
  void aNewViewThatStartsAtTheEpochsStartMakesAMemberWithoutItFetchIt() {
    Digest state = Digest.sha256(new byte[] {8});
    RecordingEffects primaryEffects = new RecordingEffects();
    Replica primary = Replica.recover(new ReplicaFixture(1).replica.config(), new dev.bft.core.sim.AppendOnlyService(),
        primaryEffects, new RecoveredState(8, new ClientTable(), List.of(new LogRecord.StableCheckpoint(8, List.of()))));
    primary.governedBy(rules(1, NEXT, 8, state));
    for (int from : new int[] {0, 2, 3}) {
      primary.onMessage(new dev.bft.core.message.ViewChange(1, 8, List.of(), List.of(), from, null));
    }
    dev.bft.core.message.NewView newView = primaryEffects.broadcasts(dev.bft.core.message.NewView.class).get(0);

    RecordingEffects effects = new RecordingEffects();
    Replica fresh = new Replica(new ReplicaFixture(3).replica.config(), new dev.bft.core.sim.AppendOnlyService(), effects);
    fresh.governedBy(rules(1, NEXT, 8, state));
    fresh.onMessage(newView);
    assertThat(fresh.view()).isEqualTo(1);
    assertThat(effects.fetches).as("the start, though the NEW-VIEW carries no CHECKPOINTs for it").containsExactly(8L);
  }

  @Test
  void aReplicaThatReachesTheEpochCheckpointByStateTransferHandsOverAsIfItHadExecutedIt() {
    ReplicaFixture ahead = governed(1, NEXT);
    ahead.commitAt(1, batch(admin(1, "end")));
    ClientTable atTheEnd = ahead.replica.clientTable().copy();

    RecordingEffects effects = new RecordingEffects();
    Replica behind = new Replica(new ReplicaFixture(2).replica.config(), new dev.bft.core.sim.AppendOnlyService(), effects);
    behind.governedBy(rules(0, NEXT));
    Digest epochCheckpoint = Digest.sha256(new byte[] {4});
    List<Checkpoint> proof = List.of(checkpoint(4, epochCheckpoint, 0), checkpoint(4, epochCheckpoint, 1),
        checkpoint(4, epochCheckpoint, 3));
    behind.fetchState(proof);
    behind.onStateInstalled(4, atTheEnd);

    assertThat(behind.epochEnded()).isTrue();
    assertThat(effects.epochsEnded).hasSize(1);
    assertThat(effects.epochProofs).as("the proof it fetched is the epoch proof").containsExactly(proof);
  }
}
