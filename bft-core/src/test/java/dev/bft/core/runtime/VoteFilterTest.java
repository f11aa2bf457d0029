package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Status;
import dev.bft.core.message.ViewChange;
import dev.bft.core.protocol.LogRecord;
import dev.bft.crypto.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which messages are worth a signature check at a replica of n = 4 in view 2, window (128, 384],
 * executed up to 200, checkpoint interval 128, holding a VIEW-CHANGE of replica 3 for view 7.
 */
class VoteFilterTest {
  final VoteFilter filter = new VoteFilter(4, 128);

  VoteFilterTest() {
    filter.publish(2, 128, 384, 200);
    filter.publishViewChange(3, 7);
  }

  private boolean prepare(long view, long sequence) {
    return filter.test(new Prepare(view, sequence, Digest.ZERO, 1, null));
  }

  @Test
  void votesThatCanStillCountPass() {
    assertThat(prepare(2, 201)).isTrue();
    assertThat(prepare(2, 384)).isTrue();
    assertThat(filter.test(new Commit(2, 250, Digest.ZERO, 1, null))).isTrue();
    assertThat(prepare(3, 300)).as("one view ahead: the published view may lag").isTrue();
    assertThat(prepare(2, 640)).as("up to a window beyond: the watermarks may lag").isTrue();
  }

  @Test
  void votesTheProtocolWouldDropOrNotNeedAreRefused() {
    assertThat(prepare(1, 300)).as("older view").isFalse();
    assertThat(prepare(4, 300)).as("two views ahead").isFalse();
    assertThat(prepare(2, 128)).as("at the low watermark").isFalse();
    assertThat(prepare(2, 641)).as("more than a window beyond").isFalse();
    assertThat(prepare(2, 1L << 40)).as("far future").isFalse();
  }

  /**
   * A NEW-VIEW re-issues slots this replica executed in an earlier view; a replica that lacked
   * their batches commits them only if this one prepares them again and sends its COMMIT, so their
   * PREPAREs must pass (found by LargeStateProcessTest: the lagging replica never caught up).
   */
  @Test
  void aPrepareForAnExecutedSequenceNotPreparedInThisViewPasses() {
    assertThat(prepare(2, 200)).as("executed in an earlier view, re-issued in view 2").isTrue();
    filter.prepared(2, 200);
    assertThat(prepare(2, 200)).as("prepared again in view 2: surplus").isFalse();
  }

  @Test
  void aCommitForAnExecutedSlotIsRefusedOnlyInTheViewThisReplicaPreparedItIn() {
    filter.prepared(2, 150);
    assertThat(filter.test(new Commit(2, 150, Digest.ZERO, 1, null))).as("executed after preparing it here: surplus")
        .isFalse();
    assertThat(filter.test(new Commit(3, 150, Digest.ZERO, 1, null)))
        .as("re-proposed in the next view: lagging replicas need this replica to commit it there").isTrue();
    assertThat(prepare(3, 150)).as("and the PREPAREs that let it prepare it there").isTrue();
    assertThat(filter.test(new Commit(2, 160, Digest.ZERO, 1, null))).as("executed, not prepared here in view 2")
        .isTrue();
  }

  @Test
  void aPrepareForASlotPreparedInItsViewIsRefusedAndOnlyThat() {
    filter.prepared(2, 250);
    assertThat(prepare(2, 250)).as("the certificate is complete").isFalse();
    assertThat(prepare(3, 250)).as("the next view prepares it again").isTrue();
    assertThat(prepare(2, 251)).isTrue();
    assertThat(filter.test(new Commit(2, 250, Digest.ZERO, 1, null))).as("its COMMITs still count").isTrue();
    filter.prepared(2, 250 + 1024);
    assertThat(prepare(2, 250)).as("its mark overwritten by a later sequence's: lenient again").isTrue();
  }

  @Test
  void persistingAPreparedCertificateMarksItsSlotAndNoOtherRecordDoes() {
    PrePrepare prePrepare = new PrePrepare(2, 260, new Batch(List.of(), 0, Digest.ZERO), 2, null);
    filter.persisted(new LogRecord.AcceptedPrePrepare(prePrepare));
    filter.persisted(new LogRecord.SentPrepare(new Prepare(2, 260, Digest.ZERO, 1, null)));
    assertThat(prepare(2, 260)).as("accepted and voted for, not yet prepared").isTrue();
    filter.persisted(new LogRecord.Prepared(new PreparedProof(prePrepare, List.of())));
    assertThat(prepare(2, 260)).as("prepared").isFalse();
    assertThat(prepare(2, 261)).isTrue();
  }

  @Test
  void checkpointsOffTheIntervalOrAtOrBelowTheLowWatermarkAreRefused() {
    assertThat(filter.test(new Checkpoint(256, Digest.ZERO, 1, null))).isTrue();
    assertThat(filter.test(new Checkpoint(128L << 20, Digest.ZERO, 1, null)))
        .as("far ahead: a lagging replica learns from those").isTrue();
    assertThat(filter.test(new Checkpoint(1L << 40 | 8, Digest.ZERO, 1, null))).as("off the interval").isFalse();
    assertThat(filter.test(new Checkpoint(128, Digest.ZERO, 1, null))).as("at the low watermark").isFalse();
  }

  @Test
  void statusForAViewAheadIsRefused() {
    assertThat(filter.test(new Status(2, 150, 1, null))).isTrue();
    assertThat(filter.test(new Status(0, 150, 1, null))).as("a lagging replica asks: it is helped").isTrue();
    assertThat(filter.test(new Status(3, 150, 1, null))).as("one view ahead: the published view may lag").isTrue();
    assertThat(filter.test(new Status(900, 150, 1, null))).isFalse();
  }

  @Test
  void viewChangesBelowTheViewOrNotAboveTheSendersLatestAreRefused() {
    assertThat(filter.test(viewChange(3, 1))).as("below this view").isFalse();
    assertThat(filter.test(viewChange(2, 3))).as("for this view: the primary re-sends its NEW-VIEW").isTrue();
    assertThat(filter.test(viewChange(3, 3))).as("held one for view 7 already").isFalse();
    assertThat(filter.test(viewChange(3, 7))).as("the same again").isFalse();
    assertThat(filter.test(viewChange(3, 8))).isTrue();
    assertThat(filter.test(viewChange(1, 3))).as("nothing held from replica 1").isTrue();
  }

  private static ViewChange viewChange(int from, long view) {
    return new ViewChange(view, 0, List.of(), List.of(), from, null);
  }

  @Test
  void otherMessagesAlwaysPass() {
    assertThat(filter.test(dev.bft.core.message.Hello.join(1, 0, new byte[] {1}))).isTrue();
  }
}
