package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flooding peer fills only its own bounded queue and gets one turn in n (Aardvark's fair scheduling). */
class FairVerificationQueueTest {
  final List<String> ran = new ArrayList<>();

  private Runnable task(String name) {
    return () -> ran.add(name);
  }

  @Test
  void aFloodingSourceCannotDelayTheOthersBeyondOneTurnEach() throws Exception {
    FairVerificationQueue q = new FairVerificationQueue("test", 1, 1000);
    for (int i = 0; i < 500; i++) {
      q.submit(3, task("flood" + i));
    }
    q.submit(1, task("prepare-1"));
    q.submit(2, task("prepare-2"));
    q.submit(1, task("commit-1"));
    for (int i = 0; i < 6; i++) {
      q.take().run();
    }
    assertThat(ran).containsExactly("flood0", "prepare-1", "prepare-2", "flood1", "commit-1", "flood2");
    assertThat(q.size()).isEqualTo(497);
  }

  @Test
  void aSourcePastItsBoundIsRefusedWhileOthersAreStillTaken() throws Exception {
    FairVerificationQueue q = new FairVerificationQueue("test", 1, 3);
    assertThat(q.submit(3, task("a"))).isTrue();
    assertThat(q.submit(3, task("b"))).isTrue();
    assertThat(q.submit(3, task("c"))).isTrue();
    assertThat(q.submit(3, task("d"))).as("fourth frame of a full source").isFalse();
    assertThat(q.submit(0, task("other"))).isTrue();
    q.take().run();
    assertThat(q.submit(3, task("e"))).as("room again after one was taken").isTrue();
    assertThat(q.size()).isEqualTo(4);
  }

  @Test
  void workersRunEverythingSubmitted() throws Exception {
    FairVerificationQueue q = new FairVerificationQueue("test", 2, 100);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(50);
    q.start();
    try {
      for (int i = 0; i < 50; i++) {
        assertThat(q.submit(i % 5, done::countDown)).isTrue();
      }
      assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      q.stop();
    }
  }
}
