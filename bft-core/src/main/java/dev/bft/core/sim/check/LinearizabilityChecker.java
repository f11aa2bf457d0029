package dev.bft.core.sim.check;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides whether a key-value history is linearizable: whether some order of the operations,
 * consistent with real time (an operation that completed before another was invoked comes first),
 * explains every result against a sequential key-value store. Keys are independent, so each key's
 * sub-history is checked on its own (linearizability is compositional); within a key, a Wing &
 * Gong search with memoisation of (linearized set, value) explores candidate orders. Pending
 * operations may take effect or not.
 */
public final class LinearizabilityChecker {
  /** The verdict; on failure, the key and its operations, for the failure message. */
  public record Result(boolean linearizable, String explanation) {}

  private LinearizabilityChecker() {}

  public static Result check(List<KvHistory.Event> history) {
    Map<ByteBuffer, List<KvHistory.Event>> byKey = new TreeMap<>();
    for (KvHistory.Event e : history) {
      byKey.computeIfAbsent(ByteBuffer.wrap(e.op().key()), k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<ByteBuffer, List<KvHistory.Event>> k : byKey.entrySet()) {
      List<KvHistory.Event> ops = new ArrayList<>(k.getValue());
      ops.sort(Comparator.comparingLong(KvHistory.Event::invoked));
      if (!new KeySearch(ops).search()) {
        StringBuilder b = new StringBuilder("key '" + new String(k.getKey().array(), java.nio.charset.StandardCharsets.UTF_8)
            + "' has no linearization of its " + ops.size() + " operations:");
        ops.forEach(e -> b.append("\n  ").append(e));
        return new Result(false, b.toString());
      }
    }
    return new Result(true, "linearizable (" + history.size() + " operations on " + byKey.size() + " keys)");
  }

  /** The search for one key. */
  private static final class KeySearch {
    private final List<KvHistory.Event> ops;
    private final int completedCount;
    private final Set<String> visited = new HashSet<>();

    KeySearch(List<KvHistory.Event> ops) {
      this.ops = ops;
      this.completedCount = (int) ops.stream().filter(e -> !e.pending()).count();
    }

    boolean search() {
      return step(new BitSet(ops.size()), null, 0);
    }

    private boolean step(BitSet done, byte[] value, int completedDone) {
      if (completedDone == completedCount) {
        return true; // every completed operation is placed; pending ones may never take effect
      }
      String memo = done + "|" + (value == null ? "-" : Arrays.toString(value));
      if (!visited.add(memo)) {
        return false;
      }
      long horizon = Long.MAX_VALUE;
      for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
        horizon = Math.min(horizon, ops.get(i).completed());
      }
      for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
        KvHistory.Event e = ops.get(i);
        if (e.invoked() > horizon) {
          break; // ops are sorted by invocation: everything after must follow a completed op
        }
        Outcome o = apply(e.op(), value);
        if (!e.pending() && !o.result().equals(e.result())) {
          continue;
        }
        done.set(i);
        boolean ok = step(done, o.value(), completedDone + (e.pending() ? 0 : 1));
        done.clear(i);
        if (ok) {
          return true;
        }
      }
      return false;
    }
  }

  private record Outcome(KvResult result, byte[] value) {}

  /** The sequential specification of one key. */
  private static Outcome apply(KvOperation op, byte[] value) {
    if (op instanceof KvOperation.Get) {
      return new Outcome(value == null ? KvResult.ABSENT : KvResult.value(value), value);
    } else if (op instanceof KvOperation.Put p) {
      return new Outcome(KvResult.OK, p.value());
    } else if (op instanceof KvOperation.Delete) {
      return new Outcome(KvResult.OK, null);
    }
    KvOperation.Cas c = (KvOperation.Cas) op;
    boolean matches = c.expected() == null ? value == null : value != null && Arrays.equals(value, c.expected());
    return matches ? new Outcome(KvResult.OK, c.newValue()) : new Outcome(KvResult.casFailed(value), value);
  }
}
