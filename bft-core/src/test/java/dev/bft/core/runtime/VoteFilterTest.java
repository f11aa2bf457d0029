package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Prepare;
import dev.bft.crypto.Digest;
import org.junit.jupiter.api.Test;

/** Which votes are worth a signature check at a replica in view 2, window (128, 384], executed up to 200. */
class VoteFilterTest {
  final VoteFilter filter = new VoteFilter();

  VoteFilterTest() {
    filter.publish(2, 128, 384, 200);
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
    assertThat(prepare(2, 200)).as("already executed").isFalse();
    assertThat(filter.test(new Commit(2, 150, Digest.ZERO, 1, null))).as("already executed").isFalse();
    assertThat(prepare(2, 641)).as("more than a window beyond").isFalse();
    assertThat(prepare(2, 1L << 40)).as("far future").isFalse();
  }

  @Test
  void otherMessagesAlwaysPass() {
    assertThat(filter.test(new Checkpoint(1L << 40, Digest.ZERO, 1, null))).isTrue();
  }
}
