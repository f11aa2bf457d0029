package dev.bft.core.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.sim.InvariantViolation;
import dev.bft.crypto.Digest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reconfiguration invariants accept a correct history and catch each violation planted in a wrong one. */
class EpochCheckerCatchesPlantedViolationsTest {
  static final Digest A = Digest.sha256(new byte[] {1});
  static final Digest B = Digest.sha256(new byte[] {2});

  @Test
  void aRequestExecutedInBothEpochs() {
    EpochChecker c = new EpochChecker();
    assertThatCode(() -> {
      c.onRequestExecuted(0, 0, 1000, 7, 40);
      c.onRequestExecuted(1, 0, 1000, 7, 40); // every replica of the epoch executes it: once each
      c.onRequestExecuted(0, 1, 1000, 8, 50);
    }).doesNotThrowAnyException();
    assertThat(c.epochExecuted(1000, 7)).isZero();
    assertThat(c.sequenceExecuted(1000, 8)).isEqualTo(50);
    assertThat(c.epochExecuted(1000, 9)).isEqualTo(-1);

    assertThatThrownBy(() -> c.onRequestExecuted(4, 1, 1000, 7, 51)).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("exactly-once").hasMessageContaining("in epoch 0").hasMessageContaining("again in epoch 1");
  }

  @Test
  void aCoreThatProcessesAnotherEpochsMessage() {
    EpochChecker c = new EpochChecker();
    assertThatCode(() -> c.onProcessed(2, 1, 1, "PREPARE")).doesNotThrowAnyException();

    assertThatThrownBy(() -> c.onProcessed(2, 1, 0, "PREPARE")).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("epochs").hasMessageContaining("node 2's core of epoch 1 processed a message of epoch 0");
    assertThatThrownBy(() -> c.onProcessed(2, 0, 1, "PREPARE")).as("a newer epoch's too").isInstanceOf(InvariantViolation.class);
  }

  @Test
  void aReplacedReplicaThatNeverStops() {
    EpochChecker c = new EpochChecker();
    assertThatCode(() -> c.everyReplacedStopped(List.of(4, 5, 6), Map.of(4, 10L, 5, 12L, 6, 12L), 100))
        .doesNotThrowAnyException();

    assertThatThrownBy(() -> c.everyReplacedStopped(List.of(4, 5, 6), Map.of(4, 10L, 6, 12L), 100))
        .isInstanceOf(InvariantViolation.class).hasMessageContaining("handover").hasMessageContaining("[5]");
  }

  @Test
  void twoBatchesAtOneSequenceOfAnEpoch() {
    EpochChecker c = new EpochChecker();
    assertThatCode(() -> {
      c.onExecuted(0, 0, 5, A);
      c.onExecuted(1, 0, 5, A);
      c.onExecuted(0, 1, 6, B);
    }).doesNotThrowAnyException();

    assertThatThrownBy(() -> c.onExecuted(2, 0, 5, B)).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("agreement").hasMessageContaining("in epoch 0 at sequence 5");
  }

  @Test
  void replicasThatEndAnEpochDifferently() {
    EpochChecker c = new EpochChecker();
    assertThatCode(() -> {
      c.onEpochEnded(0, 0, 13, 16, A);
      c.onEpochEnded(1, 0, 13, 16, A);
      c.onEpochProven(0, 0, 16, B);
      c.onEpochProven(1, 0, 16, B);
    }).doesNotThrowAnyException();

    assertThatThrownBy(() -> c.onEpochEnded(2, 0, 14, 16, A)).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("epoch 0 ended at 13");
    assertThatThrownBy(() -> c.onEpochEnded(2, 0, 13, 16, B)).as("another next configuration")
        .isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> c.onEpochProven(2, 0, 16, A)).as("another epoch checkpoint state")
        .isInstanceOf(InvariantViolation.class).hasMessageContaining("proven");
  }
}
