package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.TimerId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The one implementation of the replica's timers, on a hand-driven clock and protocol lane: the
 * rules a process and the simulator both rely on, including a firing already on its way to the
 * lane when the timer was cancelled or re-armed.
 */
class ProtocolTimersTest {
  /** A clock whose time moves only when the test says; due tasks run in time order. */
  static final class HandClock implements ShellClock {
    long now;
    final TreeMap<Long, List<Runnable>> due = new TreeMap<>();

    @Override
    public long millis() {
      return now;
    }

    @Override
    public long nanos() {
      return now * 1_000_000L;
    }

    @Override
    public Cancellable after(long millis, Runnable task) {
      boolean[] cancelled = new boolean[1];
      due.computeIfAbsent(now + millis, t -> new ArrayList<>()).add(() -> {
        if (!cancelled[0]) {
          task.run();
        }
      });
      return () -> cancelled[0] = true;
    }

    void advanceTo(long time) {
      while (!due.isEmpty() && due.firstKey() <= time) {
        var next = due.pollFirstEntry();
        now = next.getKey();
        next.getValue().forEach(Runnable::run);
      }
      now = time;
    }
  }

  final HandClock clock = new HandClock();
  /** Firings posted to the protocol lane, run only when the test drains it. */
  final List<Runnable> lane = new ArrayList<>();
  final List<String> fired = new ArrayList<>();
  final ProtocolTimers timers = new ProtocolTimers(clock, lane::add, t -> fired.add(t + "@" + clock.now));

  void drainLane() {
    List<Runnable> tasks = List.copyOf(lane);
    lane.clear();
    tasks.forEach(Runnable::run);
  }

  @Test
  void aTimerFiresOnTheLaneOnceItIsDueAndARearmPostponesIt() {
    timers.set(TimerId.VIEW_CHANGE, 100);
    timers.set(TimerId.STATUS, 50);
    clock.advanceTo(60);
    assertThat(fired).as("not on the clock's thread: only once the lane runs it").isEmpty();
    drainLane();
    assertThat(fired).containsExactly("STATUS@60");
    timers.set(TimerId.VIEW_CHANGE, 100); // re-armed at 60: due at 160, not 100
    clock.advanceTo(150);
    drainLane();
    assertThat(fired).containsExactly("STATUS@60");
    clock.advanceTo(160);
    drainLane();
    assertThat(fired).containsExactly("STATUS@60", "VIEW_CHANGE@160");
  }

  @Test
  void aFiringAlreadyPostedToTheLaneIsIgnoredAfterACancelOrARearm() {
    timers.set(TimerId.VIEW_CHANGE, 10);
    timers.set(TimerId.BATCH, 10);
    clock.advanceTo(10);
    assertThat(lane).hasSize(2);
    timers.cancel(TimerId.VIEW_CHANGE);
    timers.set(TimerId.BATCH, 30);
    drainLane();
    assertThat(fired).as("both firings were overtaken before the lane ran them").isEmpty();
    clock.advanceTo(40);
    drainLane();
    assertThat(fired).containsExactly("BATCH@40");
  }

  @Test
  void cancelAllEndsArmedTimersAndFiringsOnTheirWay() {
    timers.set(TimerId.STATUS, 10);
    timers.set(TimerId.PRIMARY_IDLE, 100);
    clock.advanceTo(10); // STATUS's firing is on the lane
    timers.cancelAll(); // the replica they were armed for is gone
    drainLane();
    clock.advanceTo(1_000);
    drainLane();
    assertThat(fired).isEmpty();
    timers.set(TimerId.STATUS, 10); // the next replica's timers work as before
    clock.advanceTo(1_010);
    drainLane();
    assertThat(fired).containsExactly("STATUS@1010");
  }
}
