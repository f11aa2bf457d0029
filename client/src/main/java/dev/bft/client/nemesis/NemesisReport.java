package dev.bft.client.nemesis;

import dev.bft.core.sim.check.KvHistory;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a nemesis run found, as text: operations by outcome, the faults with their times and how
 * long the clients took to get an answer after each, availability over time, the checker's
 * verdict, the seed and the command that replays the schedule.
 */
final class NemesisReport {
  private NemesisReport() {}

  /** Milliseconds from {@code fromNanos} to the completion of the first OK operation invoked at or after it; -1 if none. */
  static long recovery(List<History.Op> ops, long fromNanos) {
    long first = Long.MAX_VALUE;
    for (History.Op o : ops) {
      if (o.outcome() == KvHistory.Outcome.OK && o.invoked() >= fromNanos) {
        first = Math.min(first, o.completed());
      }
    }
    return first == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(first - fromNanos);
  }

  /** Milliseconds from {@code fromNanos} to the first OK completion after it, whenever its operation was invoked; -1 if none. */
  static long nextOk(List<History.Op> ops, long fromNanos) {
    long first = Long.MAX_VALUE;
    for (History.Op o : ops) {
      if (o.outcome() == KvHistory.Outcome.OK && o.completed() >= fromNanos) {
        first = Math.min(first, o.completed());
      }
    }
    return first == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(first - fromNanos);
  }

  /** OK operations completed in each second of the run. */
  static int[] okPerSecond(List<History.Op> ops, long runNanos) {
    int[] perSecond = new int[(int) Math.max(1, (runNanos + 999_999_999L) / 1_000_000_000L)];
    for (History.Op o : ops) {
      if (o.outcome() == KvHistory.Outcome.OK) {
        int s = (int) Math.min(perSecond.length - 1, o.completed() / 1_000_000_000L);
        perSecond[s]++;
      }
    }
    return perSecond;
  }

  static String render(List<History.Op> ops, List<Faults.Injected> faults, LinearizabilityChecker.Result verdict,
                       int unreadKeys, long runNanos, String replay, long seed) {
    StringBuilder b = new StringBuilder();
    Map<KvHistory.Outcome, Integer> byOutcome = new EnumMap<>(KvHistory.Outcome.class);
    for (KvHistory.Outcome o : KvHistory.Outcome.values()) {
      byOutcome.put(o, 0);
    }
    ops.forEach(o -> byOutcome.merge(o.outcome(), 1, Integer::sum));
    b.append(String.format("nemesis report (seed %d, %.0f s)%n", seed, runNanos / 1e9));
    b.append(String.format("operations: %d (ok %d, fail %d, unknown %d)%n", ops.size(), byOutcome.get(KvHistory.Outcome.OK),
        byOutcome.get(KvHistory.Outcome.FAIL), byOutcome.get(KvHistory.Outcome.UNKNOWN)));
    b.append(String.format("faults injected: %d%n", faults.size()));
    for (Faults.Injected f : faults) {
      long healed = f.healed();
      b.append(String.format("  #%-3d %-9s %-18s on %-8s injected %7.1f s  healed %s  next ok after injection %s, "
              + "first ok operation invoked after heal %s%n",
          f.fault().index(), f.fault().kind().label(), f.fault().detail().isEmpty() ? "" : "(" + f.fault().detail() + ")",
          f.fault().replicas(), f.injected() / 1e9, healed < 0 ? "never" : String.format("%7.1f s", healed / 1e9),
          millis(nextOk(ops, f.injected())), healed < 0 ? "-" : millis(recovery(ops, healed))));
    }
    int[] perSecond = okPerSecond(ops, runNanos);
    b.append("availability (ok operations per second, by 10 s):\n");
    for (int start = 0; start < perSecond.length; start += 10) {
      StringBuilder series = new StringBuilder();
      int sum = 0;
      int zero = 0;
      for (int s = start; s < Math.min(perSecond.length, start + 10); s++) {
        series.append(s == start ? "" : " ").append(perSecond[s]);
        sum += perSecond[s];
        zero += perSecond[s] == 0 ? 1 : 0;
      }
      b.append(String.format("  %4d-%-4d s  %6.1f ops/s  %d s without an answer  [%s]%n", start,
          Math.min(perSecond.length, start + 10), sum / (double) Math.min(10, perSecond.length - start), zero, series));
    }
    b.append(String.format("final reads: %s%n", unreadKeys == 0 ? "every key read" : unreadKeys + " keys could not be read"));
    boolean undecided = verdict.verdict() == LinearizabilityChecker.Verdict.UNDECIDED;
    b.append(String.format("linearizability: %s%n", verdict.linearizable() ? "yes" : undecided ? "UNDECIDED" : "NO"));
    b.append(String.format("anomalies: %s%n", verdict.linearizable() ? "0" : undecided ? "unknown" : "1"));
    if (!verdict.linearizable()) {
      String explanation = verdict.explanation();
      String[] lines = explanation.split("\n");
      int shown = Math.min(lines.length, 60);
      for (int i = 0; i < shown; i++) {
        b.append("  ").append(lines[i]).append('\n');
      }
      if (shown < lines.length) {
        b.append("  ... (").append(lines.length - shown).append(" more lines; the whole history is in history.txt)\n");
      }
    } else {
      b.append("  ").append(verdict.explanation()).append('\n');
    }
    b.append("replay the schedule: ").append(replay).append('\n');
    return b.toString();
  }

  private static String millis(long ms) {
    return ms < 0 ? "none" : ms + " ms";
  }
}
