package dev.bft.core.sim.check;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.sim.InvariantViolation;
import dev.bft.crypto.Digest;
import org.junit.jupiter.api.Test;

/** Each checker accepts a correct history and catches the violation planted in a wrong one. */
class CheckersCatchPlantedViolationsTest {
  static final Digest A = Digest.sha256(new byte[] {1});
  static final Digest B = Digest.sha256(new byte[] {2});

  @Test
  void agreementCatchesTwoBatchesAtOneSequence() {
    AgreementChecker c = new AgreementChecker();
    assertThatCode(() -> {
      c.onExecuted(0, 1, A);
      c.onExecuted(1, 1, A);
      c.onExecuted(1, 2, B);
    }).doesNotThrowAnyException();
    assertThatThrownBy(() -> c.onExecuted(2, 1, B)).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("agreement").hasMessageContaining("sequence 1");
  }

  @Test
  void validityCatchesARequestNoClientIssued() {
    ValidityChecker c = new ValidityChecker();
    c.issued(A);
    assertThatCode(() -> c.onExecuted(0, 1000, 1, A)).doesNotThrowAnyException();
    assertThatThrownBy(() -> c.onExecuted(0, 1000, 2, B)).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("validity");
  }

  @Test
  void exactlyOnceCatchesARepeatedOrOlderRequest() {
    ExactlyOnceChecker c = new ExactlyOnceChecker();
    assertThatCode(() -> {
      c.onExecuted(0, 1000, 1);
      c.onExecuted(1, 1000, 1);
      c.onExecuted(0, 1000, 2);
    }).doesNotThrowAnyException();
    assertThatThrownBy(() -> c.onExecuted(0, 1000, 2)).isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> c.onExecuted(1, 1000, 1)).isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("exactly-once");
  }

  @Test
  void voteConsistencyCatchesAReplicaThatContradictsItself() {
    VoteConsistencyChecker c = new VoteConsistencyChecker();
    assertThatCode(() -> {
      c.onSent(1, new dev.bft.core.message.Prepare(0, 5, A, 1, null));
      c.onSent(1, new dev.bft.core.message.Prepare(0, 5, A, 1, null)); // a retransmission is fine
      c.onSent(1, new dev.bft.core.message.Prepare(1, 5, B, 1, null)); // another view may differ
      c.onSent(2, new dev.bft.core.message.Prepare(0, 5, B, 2, null)); // another replica may differ
    }).doesNotThrowAnyException();
    assertThatThrownBy(() -> c.onSent(1, new dev.bft.core.message.Prepare(0, 5, B, 1, null)))
        .isInstanceOf(InvariantViolation.class).hasMessageContaining("replica 1 sent a PREPARE for view 0, sequence 5");
    assertThatThrownBy(() -> {
      c.onSent(3, new dev.bft.core.message.Commit(0, 6, A, 3, null));
      c.onSent(3, new dev.bft.core.message.Commit(0, 6, B, 3, null));
    }).isInstanceOf(InvariantViolation.class);
  }

  @Test
  void boundedStateCatchesALogBeyondTheWindow() {
    BoundedStateChecker c = new BoundedStateChecker();
    assertThatCode(() -> c.check(0, 64, 64, 3, 4)).doesNotThrowAnyException();
    assertThatThrownBy(() -> c.check(0, 65, 64, 3, 4)).isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> c.check(0, 10, 64, 5, 4)).isInstanceOf(InvariantViolation.class);
  }
}
