package dev.bft.core.protocol;

import java.util.EnumMap;
import java.util.Map;

/** Counts of ignored inputs by reason; owned by one replica, read by metrics and tests. */
public final class DropCounters {
  private final long[] counts = new long[DropReason.values().length];

  void count(DropReason reason) {
    counts[reason.ordinal()]++;
  }

  public long get(DropReason reason) {
    return counts[reason.ordinal()];
  }

  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  public Map<DropReason, Long> snapshot() {
    Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
    for (DropReason r : DropReason.values()) {
      if (counts[r.ordinal()] > 0) {
        m.put(r, counts[r.ordinal()]);
      }
    }
    return m;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
