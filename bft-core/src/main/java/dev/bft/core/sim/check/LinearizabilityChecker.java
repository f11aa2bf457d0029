package dev.bft.core.sim.check;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a key-value history is linearizable: whether some order of the operations,
 * consistent with real time (an operation that completed before another was invoked comes first),
 * explains every result against a sequential key-value store (docs/linearizability.md). Keys are
 * independent, so each key's sub-history is checked on its own (linearizability is
 * compositional) by a {@link KeySweep}.
 *
 * <p>Outcomes: an {@code OK} operation took effect once, between its invocation and completion, with
 * the recorded result; a {@code FAIL} operation never took effect (it is left out); an
 * {@code UNKNOWN} one may take effect at any point after its invocation, or never (an unknown read
 * is left out, since it changes nothing). A completed operation whose result is an error did not
 * take effect either.
 */
public final class LinearizabilityChecker {
  public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNDECIDED }

  /** The verdict; on failure, the key, the operation no order explains and the operations around it. */
  public record Result(Verdict verdict, String explanation) {
    public boolean linearizable() {
      return verdict == Verdict.LINEARIZABLE;
    }
  }

  /** Configurations one key's search may hold at one step before it gives up (UNDECIDED); about 100 bytes each. */
  public static final int DEFAULT_LIMIT = 2_000_000;
  /** Operations an explanation lists at most. */
  static final int EXPLANATION_LINES = 30;

  private LinearizabilityChecker() {}

  public static Result check(List<KvHistory.Event> history) {
    return check(history, DEFAULT_LIMIT);
  }

  public static Result check(List<KvHistory.Event> history, int limit) {
    Map<ByteBuffer, List<KvHistory.Event>> byKey = new TreeMap<>();
    for (KvHistory.Event e : history) {
      byKey.computeIfAbsent(ByteBuffer.wrap(e.op().key()), k -> new ArrayList<>()).add(e);
    }
    int counted = 0;
    for (Map.Entry<ByteBuffer, List<KvHistory.Event>> k : byKey.entrySet()) {
      List<KvHistory.Event> events = new ArrayList<>(k.getValue());
      events.sort(Comparator.comparingLong(KvHistory.Event::invoked));
      Values values = new Values();
      List<KeySweep.Op> ops = new ArrayList<>();
      for (KvHistory.Event e : events) {
        KeySweep.Op op = reduce(e, ops.size(), values);
        if (op != null) {
          ops.add(op);
        }
      }
      counted += ops.size();
      KeySweep.Stuck stuck = new KeySweep(ops.toArray(KeySweep.Op[]::new), limit).run();
      if (stuck != null) {
        return new Result(stuck.tooBig() ? Verdict.UNDECIDED : Verdict.NOT_LINEARIZABLE,
            explain(k.getKey().array(), events, stuck, values, limit));
      }
    }
    return new Result(Verdict.LINEARIZABLE, "linearizable (" + history.size() + " operations on " + byKey.size()
        + " keys; " + (history.size() - counted) + " failed operations and reads of unknown outcome left out)");
  }

  /** What the search needs of {@code e}, or null when it cannot have changed or observed anything. */
  private static KeySweep.Op reduce(KvHistory.Event e, int index, Values values) {
    KvOperation op = e.op();
    KvResult r = e.result();
    boolean unknown = e.outcome() == KvHistory.Outcome.UNKNOWN;
    if (e.outcome() == KvHistory.Outcome.FAIL || (unknown && op instanceof KvOperation.Get)
        || (r != null && r.status() == KvResult.Status.ERROR)) {
      return null;
    }
    int none = KeySweep.IMPOSSIBLE;
    if (op instanceof KvOperation.Get) {
      int seen = switch (r.status()) {
        case VALUE -> values.id(r.value());
        case ABSENT -> KeySweep.ABSENT;
        default -> KeySweep.IMPOSSIBLE;
      };
      return new KeySweep.Op(index, e, false, true, seen, none, none);
    }
    int pre = KeySweep.ANY;
    int post;
    if (op instanceof KvOperation.Put p) {
      post = values.id(p.value());
    } else if (op instanceof KvOperation.Delete) {
      post = KeySweep.ABSENT;
    } else {
      KvOperation.Cas c = (KvOperation.Cas) op;
      pre = values.id(c.expected());
      post = values.id(c.newValue());
      if (r != null && r.status() == KvResult.Status.CAS_FAILED) {
        // A failed CAS is a read of the current value, which cannot be the expected one.
        int current = values.id(r.value());
        return new KeySweep.Op(index, e, false, true, current == pre ? KeySweep.IMPOSSIBLE : current, none, none);
      }
    }
    if (r != null && r.status() != KvResult.Status.OK) {
      return new KeySweep.Op(index, e, false, true, KeySweep.IMPOSSIBLE, none, none);
    }
    return new KeySweep.Op(index, e, unknown, false, none, pre, post);
  }

  private static String explain(byte[] key, List<KvHistory.Event> events, KeySweep.Stuck stuck, Values values, int limit) {
    KvHistory.Event failed = stuck.op().event();
    StringBuilder b = new StringBuilder("key '").append(KvHistoryFile.bytes(key)).append("': ");
    if (stuck.tooBig()) {
      b.append("undecided: more than ").append(limit).append(" configurations to explain the return of ").append(failed);
    } else {
      b.append("no linearization explains ").append(failed);
    }
    b.append("\n  before it the key could hold: ");
    List<String> held = new ArrayList<>();
    for (int v : stuck.valuesBefore()) {
      if (held.size() == 10) {
        held.add("…");
        break;
      }
      held.add(values.text(v));
    }
    b.append(String.join(", ", held));
    // The operations that could still move around it (those overlapping the oldest one not yet
    // placed), the few that completed just before them, and the last unknown writes.
    List<KvHistory.Event> around = new ArrayList<>();
    List<KvHistory.Event> earlier = new ArrayList<>();
    for (KvHistory.Event e : events) {
      if (e.invoked() > failed.completed() || e.outcome() == KvHistory.Outcome.UNKNOWN) {
        continue;
      }
      (e.completed() >= stuck.pendingSince() ? around : earlier).add(e);
    }
    earlier.sort(Comparator.comparingLong(KvHistory.Event::completed));
    around.addAll(earlier.subList(Math.max(0, earlier.size() - 8), earlier.size()));
    int recentUnknown = 0;
    for (int i = events.size() - 1; i >= 0 && recentUnknown < 5; i--) {
      KvHistory.Event e = events.get(i);
      if (e.outcome() == KvHistory.Outcome.UNKNOWN && e.invoked() <= failed.completed() && !(e.op() instanceof KvOperation.Get)) {
        around.add(e);
        recentUnknown++;
      }
    }
    around.sort(Comparator.comparingLong(KvHistory.Event::invoked));
    int skipped = Math.max(0, around.size() - EXPLANATION_LINES);
    b.append("\n  operations around it (by invocation").append(skipped > 0 ? ", the " + skipped + " earliest left out" : "")
        .append("; the last 8 completed before, the last 5 unknown writes):");
    for (KvHistory.Event e : around.subList(skipped, around.size())) {
      b.append("\n    ").append(e).append(e == failed ? "   <-- here" : "");
    }
    return b.toString();
  }

  /** Each distinct value of one key as a small number; 0 is absent. */
  private static final class Values {
    private final Map<ByteBuffer, Integer> ids = new HashMap<>();
    private final List<byte[]> bytes = new ArrayList<>(Arrays.asList((byte[]) null));

    int id(byte[] v) {
      if (v == null) {
        return KeySweep.ABSENT;
      }
      return ids.computeIfAbsent(ByteBuffer.wrap(v), k -> {
        bytes.add(v);
        return bytes.size() - 1;
      });
    }

    String text(int id) {
      return KvHistoryFile.bytesOrAbsent(bytes.get(id));
    }
  }
}
