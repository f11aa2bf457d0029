package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A flooding peer fills only its own bounded queue and gets one turn in n (Aardvark's fair
 * scheduling), also when workers take items in groups for batch verification.
 */
class FairVerificationQueueTest {
  private static FairVerificationQueue<String> queue(int threads, int perSourceLimit, int maxGroup) {
    return new FairVerificationQueue<>("test", threads, perSourceLimit, maxGroup, group -> { });
  }

  private static List<String> takeOneByOne(FairVerificationQueue<String> q, int count) throws InterruptedException {
    List<String> taken = new ArrayList<>();
    while (taken.size() < count) {
      taken.addAll(q.take());
    }
    return taken;
  }

  @Test
  void aQueueWithoutWorkersIsDrainedByItsOwnerInTheSameTurns() {
    FairVerificationQueue<String> q = queue(0, 1000, 4);
    for (int i = 0; i < 5; i++) {
      q.submit(3, "flood" + i, false);
    }
    q.submit(1, "prepare-1", false);
    q.submit(1, "commit-1", false);
    assertThat(q.poll()).containsExactly("flood0", "prepare-1", "flood1", "commit-1");
    assertThat(q.poll()).containsExactly("flood2", "flood3", "flood4");
    assertThat(q.poll()).as("nothing waits: the owner is told at once, not blocked").isEmpty();
  }

  @Test
  void aFloodingSourceCannotDelayTheOthersBeyondOneTurnEach() throws Exception {
    FairVerificationQueue<String> q = queue(1, 1000, 1);
    for (int i = 0; i < 500; i++) {
      q.submit(3, "flood" + i);
    }
    q.submit(1, "prepare-1");
    q.submit(2, "prepare-2");
    q.submit(1, "commit-1");
    assertThat(takeOneByOne(q, 6)).containsExactly("flood0", "prepare-1", "prepare-2", "flood1", "commit-1", "flood2");
    assertThat(q.size()).isEqualTo(497);
  }

  @Test
  void aGroupTakesOneItemPerSourcePerTurn() throws Exception {
    FairVerificationQueue<String> q = queue(1, 1000, 5);
    for (int i = 0; i < 100; i++) {
      q.submit(3, "flood" + i);
    }
    q.submit(1, "request-1");
    q.submit(2, "request-2");
    q.submit(1, "request-1b");
    assertThat(q.take()).containsExactly("flood0", "request-1", "request-2", "flood1", "request-1b");
    assertThat(q.take()).containsExactly("flood2", "flood3", "flood4", "flood5", "flood6");
  }

  @Test
  void whatIsWaitingIsOneGroupUnlessEachIdleWorkersShareIsStillABatch() throws Exception {
    FairVerificationQueue<String> q = queue(2, 1000, 64);
    for (int i = 0; i < 10; i++) {
      q.submit(i, "r" + i);
    }
    assertThat(q.take()).as("no other worker idle").hasSize(10);
    for (int i = 0; i < 100; i++) {
      q.submit(i, "r" + i);
    }
    assertThat(q.take()).as("at most maxGroup").hasSize(64);
    assertThat(q.take()).hasSize(36);
    assertThat(q.size()).isZero();
  }

  @Test
  void theFramesOfOneReadWakeOneWorkerAndAreSplitOnlyIntoBatchesWorthHaving() throws Exception {
    List<Integer> groups = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch handled = new CountDownLatch(1);
    // While set, a worker stays in the handler until both workers are in it: the first is still
    // verifying when the second takes its share, whatever the scheduler does.
    java.util.concurrent.atomic.AtomicReference<CountDownLatch> bothBusy = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean alone = new java.util.concurrent.atomic.AtomicBoolean();
    FairVerificationQueue<String> q = new FairVerificationQueue<>("test", 2, 100, 64, group -> {
      groups.add(group.size());
      handled.countDown();
      CountDownLatch both = bothBusy.get();
      if (both != null) {
        both.countDown();
        try {
          if (!both.await(10, TimeUnit.SECONDS)) {
            alone.set(true); // the other idle worker was never woken for the rest
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    q.start();
    try {
      awaitIdle(q, 2);
      for (int i = 0; i < 12; i++) {
        assertThat(q.submit(i, "request" + i, false)).isTrue();
      }
      Thread.sleep(50);
      assertThat(groups).as("queued without waking: nobody took them yet").isEmpty();
      q.wake();
      assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
      awaitIdle(q, 2);
      assertThat(groups).as("12 split in two would be two small batches").containsExactly(12);

      groups.clear();
      bothBusy.set(new CountDownLatch(2));
      for (int i = 0; i < 40; i++) {
        assertThat(q.submit(i, "request" + i, false)).isTrue();
      }
      q.wake();
      awaitIdle(q, 2);
      assertThat(groups).as("two idle workers, a share of 20 each").containsExactly(20, 20);
      assertThat(alone).as("the first worker woke the second for its share").isFalse();
    } finally {
      q.stop();
    }
  }

  private static void awaitIdle(FairVerificationQueue<String> q, int workers) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((q.idleWorkers() < workers || q.size() > 0) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(q.idleWorkers()).isEqualTo(workers);
  }

  @Test
  void aSourcePastItsBoundIsRefusedWhileOthersAreStillTaken() throws Exception {
    FairVerificationQueue<String> q = queue(1, 3, 1);
    assertThat(q.submit(3, "a")).isTrue();
    assertThat(q.submit(3, "b")).isTrue();
    assertThat(q.submit(3, "c")).isTrue();
    assertThat(q.submit(3, "d")).as("fourth frame of a full source").isFalse();
    assertThat(q.submit(0, "other")).isTrue();
    q.take();
    assertThat(q.submit(3, "e")).as("room again after one was taken").isTrue();
    assertThat(q.size()).isEqualTo(4);
  }

  @Test
  void eachSourceHasItsOwnBound() throws Exception {
    FairVerificationQueue<String> q = new FairVerificationQueue<>("test", 1, source -> source < 4 ? 5 : 2, 1, g -> { });
    for (int i = 0; i < 5; i++) {
      assertThat(q.submit(1, "replica" + i)).isTrue();
    }
    assertThat(q.submit(1, "replica5")).isFalse();
    assertThat(q.submit(1000, "client0")).isTrue();
    assertThat(q.submit(1000, "client1")).isTrue();
    assertThat(q.submit(1000, "client2")).as("a client's backlog is bounded tighter").isFalse();
  }

  /**
   * Frames may each be as large as the frame limit, so a bound in frames alone would let one peer
   * park gigabytes here: the bytes waiting per source are bounded too, and given back as items are taken.
   */
  @Test
  void aSourceIsBoundedInBytesLongBeforeItsFrameBound() {
    FairVerificationQueue<byte[]> q = new FairVerificationQueue<>("test", 0,
        new FairVerificationQueue.Bounds<byte[]>(source -> 1000, source -> source < 4 ? 100 : 10, item -> item.length), 64,
        g -> { }, (thread, t) -> { });
    for (int i = 0; i < 3; i++) {
      assertThat(q.submit(1, new byte[30])).isTrue();
    }
    assertThat(q.submit(1, new byte[11])).as("3 frames of 1000, 101 bytes of 100").isFalse();
    assertThat(q.submit(1, new byte[10])).as("exactly the bound").isTrue();
    assertThat(q.submit(1000, new byte[10])).isTrue();
    assertThat(q.submit(1000, new byte[1])).as("a client's bytes are bounded tighter").isFalse();
    assertThat(q.poll()).hasSize(5);
    assertThat(q.submit(1, new byte[100])).as("room again once taken").isTrue();
    assertThat(q.submit(1000, new byte[10])).isTrue();
  }

  /** The bounds a replica process runs with: 128 MiB waiting per replica, 4 MiB per client, whatever the frame count. */
  @Test
  void aProcessHoldsAtMost128MiBOfAReplicasFramesAnd4MiBOfAClients() {
    FairVerificationQueue<Inbound> q = InboundVerification.queue(0, dev.bft.core.protocol.Quorum.ofReplicas(4), 0,
        g -> { }, (thread, t) -> { });
    byte[] mebibyte = new byte[1 << 20]; // one array for every frame: the test itself holds 1 MiB
    int replicaFrames = 0;
    while (replicaFrames < 4096 && q.submit(1, new Inbound(1, mebibyte, 0))) {
      replicaFrames++;
    }
    assertThat(replicaFrames).as("frames of 1 MiB a replica may have waiting").isEqualTo(128);
    int clientFrames = 0;
    while (clientFrames < 32 && q.submit(1000, new Inbound(1000, mebibyte, 0))) {
      clientFrames++;
    }
    assertThat(clientFrames).as("frames of 1 MiB a client may have waiting").isEqualTo(4);
    assertThat(q.submit(2, new Inbound(2, mebibyte, 0))).as("another replica's own bound").isTrue();
  }

  @Test
  void workersHandEverythingSubmittedToTheHandler() throws Exception {
    CountDownLatch done = new CountDownLatch(50);
    FairVerificationQueue<String> q = new FairVerificationQueue<>("test", 2, 100, 8,
        group -> group.forEach(item -> done.countDown()));
    q.start();
    try {
      for (int i = 0; i < 50; i++) {
        assertThat(q.submit(i % 5, "item" + i)).isTrue();
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      q.stop();
    }
  }
}
