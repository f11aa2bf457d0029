package dev.bft.core.sim.check;

import java.util.Arrays;

/** The key's value, the completed writes and reads invoked but not yet linearized, and the unknown operations used. */
final class SweepConfig {
  final int value;
  final int[] writes;
  final int[] reads;
  final int[] used;
  private final int hash;

  SweepConfig(int value, int[] writes, int[] reads, int[] used) {
    this.value = value;
    this.writes = writes;
    this.reads = reads;
    this.used = used;
    this.hash = ((value * 31 + Arrays.hashCode(writes)) * 31 + Arrays.hashCode(reads)) * 31 + Arrays.hashCode(used);
  }

  boolean owes(int op) {
    return Arrays.binarySearch(writes, op) >= 0 || Arrays.binarySearch(reads, op) >= 0;
  }

  /** Linearizes the write {@code op} (its precondition holds), then every owed read the new value satisfies. */
  SweepConfig apply(KeySweep.Op op, KeySweep.Op[] ops) {
    int v = op.post();
    int[] r = reads;
    int kept = 0;
    for (int i : reads) {
      if (ops[i].observes() != v) {
        kept++;
      }
    }
    if (kept < reads.length) {
      r = new int[kept];
      int j = 0;
      for (int i : reads) {
        if (ops[i].observes() != v) {
          r[j++] = i;
        }
      }
    }
    return op.unknown() ? new SweepConfig(v, writes, r, KeySweep.insert(used, op.index()))
        : new SweepConfig(v, KeySweep.remove(writes, op.index()), r, used);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SweepConfig c && c.hash == hash && c.value == value && Arrays.equals(c.writes, writes)
        && Arrays.equals(c.reads, reads) && Arrays.equals(c.used, used);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
