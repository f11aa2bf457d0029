package dev.bft.core.runtime;

import dev.bft.core.message.PrePrepare;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * When each sequence number this replica saw pre-prepared became prepared and executed, turned into
 * the PREPARE and COMMIT stage times. Confined to the protocol thread. Sequences that never execute
 * here (a view change re-proposed them, state transfer skipped them) age out of a bounded map.
 */
final class BatchStageClock {
  private static final int TRACKED = 4096;

  /** Per sequence: when pre-prepared, and when prepared (0 until then). */
  private final Map<Long, long[]> slots = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
      return size() > TRACKED;
    }
  };
  private final LongSupplier nanos;
  private final Stage.Sink sink;

  BatchStageClock(LongSupplier nanos, Stage.Sink sink) {
    this.nanos = nanos;
    this.sink = sink;
  }

  /** The first pre-prepare this replica logged for the sequence; a re-proposal in a later view keeps the first time. */
  void prePrepared(PrePrepare pp) {
    slots.putIfAbsent(pp.sequence(), new long[] {nanos.getAsLong(), 0});
  }

  void prepared(long sequence) {
    long[] t = slots.get(sequence);
    if (t != null && t[1] == 0) {
      t[1] = nanos.getAsLong();
      sink.record(Stage.PREPARE, t[1] - t[0]);
    }
  }

  void executed(long sequence) {
    long[] t = slots.remove(sequence);
    if (t != null && t[1] != 0) {
      sink.record(Stage.COMMIT, nanos.getAsLong() - t[1]);
    }
  }

  /** Sequences pre-prepared here and neither executed nor aged out. */
  int tracked() {
    return slots.size();
  }
}
