package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failure of a replica's own thread stops the replica, once, naming the thread: before issue 22
 * the protocol and writer threads caught only RuntimeException (an Error, such as the
 * OutOfMemoryError a 101-byte STATE caused, ended the thread silently and left a live process that
 * did nothing), and nothing caught a failure of the after-group step.
 */
class SupervisorTest {
  final List<Throwable> stopped = new CopyOnWriteArrayList<>();
  final CountDownLatch stop = new CountDownLatch(1);
  final Supervisor supervisor = new Supervisor("replica 9", e -> {
    stopped.add(e);
    stop.countDown();
  });

  @Test
  void anErrorOnTheProtocolThreadStopsTheReplica() throws Exception {
    GroupedExecutor loop = new GroupedExecutor("protocol-9", 16, () -> { }, supervisor::failed);
    loop.start();
    loop.execute(() -> {
      throw new OutOfMemoryError("Requested array size exceeds VM limit");
    });
    assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stopped).singleElement().isInstanceOf(OutOfMemoryError.class);
    assertThat(supervisor.hasFailed()).isTrue();
  }

  @Test
  void aFailureOfTheAfterGroupStepStopsTheReplica() throws Exception {
    GroupedExecutor writer = new GroupedExecutor("storage-9", 16, () -> {
      throw new IllegalStateException("flush failed");
    }, supervisor::failed);
    writer.start();
    writer.execute(() -> { });
    assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stopped).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTimerThatThrowsStopsTheReplica() throws Exception {
    java.util.concurrent.ScheduledExecutorService timers = supervisor.timers("timers-9");
    try {
      timers.schedule(() -> {
        throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
      }, 1, TimeUnit.MILLISECONDS);
      assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stopped).singleElement().isInstanceOf(java.io.UncheckedIOException.class);
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void aPeriodicTimerThatThrowsStopsTheReplicaAndOneCancelledOrStillRunningDoesNot() throws Exception {
    java.util.concurrent.ScheduledExecutorService timers = supervisor.timers("timers-9");
    try {
      java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.ScheduledFuture<?>[] self = new java.util.concurrent.ScheduledFuture<?>[1];
      self[0] = timers.scheduleWithFixedDelay(() -> {
        if (runs.incrementAndGet() == 3) {
          self[0].cancel(false); // as the epoch handover's wait for storage ends itself
        }
      }, 1, 1, TimeUnit.MILLISECONDS);
      timers.schedule(() -> { }, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
      Thread.sleep(100);
      assertThat(runs).hasValue(3);
      assertThat(supervisor.hasFailed()).as("a timer that ran, or ended itself").isFalse();

      timers.scheduleAtFixedRate(() -> {
        if (runs.incrementAndGet() == 5) {
          throw new AssertionError("replica 9, view 2, sequence 130: an impossible state");
        }
      }, 1, 1, TimeUnit.MILLISECONDS);
      assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stopped).singleElement().isInstanceOf(AssertionError.class);
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void aVerificationWorkerThatThrowsStopsTheReplica() throws Exception {
    FairVerificationQueue<String> queue = new FairVerificationQueue<>("verify-9", 1,
        FairVerificationQueue.Bounds.frames(source -> 10), 8, group -> {
          throw new NullPointerException("a bug");
        }, supervisor::failed);
    queue.start();
    queue.submit(1, "frame");
    assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stopped).singleElement().isInstanceOf(NullPointerException.class);
    queue.stop();
  }

  @Test
  void anErrorOnALinkStopsTheReplicaWhileAPeersExceptionOnlyClosesTheLink() throws Exception {
    List<String> refusals = new CopyOnWriteArrayList<>();
    EmbeddedChannel peerFault = new EmbeddedChannel(supervisor.linkFaults(refusals::add));
    peerFault.pipeline().fireExceptionCaught(new java.io.IOException("connection reset by peer"));
    assertThat(peerFault.isOpen()).isFalse();
    assertThat(refusals).containsExactly("LINK_ERROR");
    assertThat(supervisor.hasFailed()).isFalse();
    EmbeddedChannel ourFault = new EmbeddedChannel(supervisor.linkFaults(refusals::add));
    ourFault.pipeline().fireExceptionCaught(new StackOverflowError());
    assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stopped).singleElement().isInstanceOf(StackOverflowError.class);
  }

  @Test
  void onlyTheFirstFailureStops() throws Exception {
    supervisor.failed("a", new Error("first"));
    supervisor.failed("b", new Error("second"));
    assertThat(stop.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(200);
    assertThat(stopped).singleElement().extracting(Throwable::getMessage).isEqualTo("first");
  }
}
