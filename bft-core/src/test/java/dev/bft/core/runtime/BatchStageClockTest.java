package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PREPARE and COMMIT stage times of a batch, from when it was pre-prepared, prepared and executed. */
class BatchStageClockTest {
  private long now;
  private final List<String> recorded = new ArrayList<>();
  private final BatchStageClock clock = new BatchStageClock(() -> now, (stage, nanos) -> recorded.add(stage + "=" + nanos));

  private static PrePrepare prePrepare(long view, long sequence) {
    return new PrePrepare(view, sequence, Batch.nullRequest(), (int) (view % 4), null);
  }

  @Test
  void aBatchIsTimedFromPrePrepareToPreparedAndFromPreparedToExecuted() {
    now = 100;
    clock.prePrepared(prePrepare(0, 1));
    now = 350;
    clock.prepared(1);
    now = 1000;
    clock.executed(1);
    assertThat(recorded).containsExactly("PREPARE=250", "COMMIT=650");
    assertThat(clock.tracked()).isZero();
  }

  @Test
  void aReproposalInALaterViewKeepsTheFirstPrePrepareAndPreparedCountsOnce() {
    now = 10;
    clock.prePrepared(prePrepare(0, 7));
    now = 50;
    clock.prePrepared(prePrepare(1, 7));
    now = 60;
    clock.prepared(7);
    now = 90;
    clock.prepared(7);
    now = 100;
    clock.executed(7);
    assertThat(recorded).containsExactly("PREPARE=50", "COMMIT=40");
  }

  @Test
  void whatWasNeverPrePreparedOrPreparedHereRecordsNothing() {
    clock.prepared(3);
    clock.executed(3);
    clock.prePrepared(prePrepare(0, 4));
    clock.executed(4); // executed without a prepared time: state transfer or a recovered log
    assertThat(recorded).isEmpty();
    assertThat(clock.tracked()).isZero();
  }

  @Test
  void sequencesThatNeverExecuteAgeOut() {
    for (long s = 1; s <= 10_000; s++) {
      clock.prePrepared(prePrepare(0, s));
    }
    assertThat(clock.tracked()).isEqualTo(4096);
    now = 5;
    clock.prepared(10_000);
    clock.prepared(1);
    assertThat(recorded).as("the oldest aged out, the newest is still tracked").containsExactly("PREPARE=5");
  }
}
