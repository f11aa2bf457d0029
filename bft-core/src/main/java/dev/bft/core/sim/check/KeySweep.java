package dev.bft.core.sim.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The linearizability search for one key: a sweep over the key's calls and returns in time order
 * that carries every configuration (value, operations invoked but not yet linearized, unknown
 * operations used) the history so far allows, and linearizes operations only when a return forces
 * it (Lowe's just-in-time linearization). The first return no configuration can explain is where
 * the history stops being linearizable. Memory and work follow the key's concurrency, not its
 * length, and nothing recurses. Configurations are compared exactly, so there is no hash collision
 * that could hide a violation.
 *
 * <p>Three reductions keep the set small, each sound because the configuration it drops can do
 * nothing the one it keeps cannot: a read is linearized as soon as the value it saw is current (a
 * read changes nothing, so having done it is never worse than owing it); an operation of unknown
 * outcome is used only immediately before an operation that observes what it wrote (otherwise
 * leaving it out explains the same results), and of identical unknown operations only the earliest
 * unused one is tried; a configuration is dropped when another with the same value and pending
 * writes owes a subset of its reads and has used a subset of its unknown operations.
 */
final class KeySweep {
  static final int ABSENT = 0;
  /** Observed by a result no state can produce (a put answered "value", a CAS that failed against what it expected). */
  static final int IMPOSSIBLE = -1;
  /** The precondition of an unconditional write. */
  static final int ANY = -2;

  /** An operation reduced to what the search needs: a read of one value, or a write {@code pre -> post}. */
  record Op(int index, KvHistory.Event event, boolean unknown, boolean read, int observes, int pre, int post) {}

  /** Where the search stopped: the return it could not explain, or the configuration bound it hit. */
  record Stuck(Op op, boolean tooBig, Set<Integer> valuesBefore, long pendingSince) {}

  private final Op[] ops;
  private final long[] relevantUntil;
  private final boolean[] retired;
  private final PriorityQueue<Op> toRetire;
  private final int limit;
  private final Map<Integer, List<Op>> unknownByPost = new HashMap<>();
  private final Map<Integer, List<Op>> unknownCasByPost = new HashMap<>();
  private List<SweepConfig> configs = new ArrayList<>(List.of(new SweepConfig(ABSENT, new int[0], new int[0], new int[0])));

  /** {@code ops} sorted by invocation, each {@code index} its position; {@code limit} bounds the configurations per step. */
  KeySweep(Op[] ops, int limit) {
    this.ops = ops;
    this.limit = limit;
    this.relevantUntil = relevance(ops);
    this.retired = new boolean[ops.length];
    this.toRetire = new PriorityQueue<>(Comparator.comparingLong((Op o) -> relevantUntil[o.post()]));
  }

  /**
   * For each value, the last time something may still observe it: the latest completion of a
   * completed operation that saw it, extended through unknown CAS that could turn it into a value
   * observed later. An unknown write of a value past that time can never be used again, so it is
   * retired and forgotten by every configuration, which keeps them small and lets them merge.
   */
  private static long[] relevance(Op[] ops) {
    int values = 1;
    for (Op o : ops) {
      values = Math.max(values, Math.max(o.observes(), Math.max(o.pre(), o.post())) + 1);
    }
    long[] until = new long[values];
    Arrays.fill(until, Long.MIN_VALUE);
    for (Op o : ops) {
      if (o.unknown()) {
        continue;
      }
      int seen = o.read() ? o.observes() : o.pre();
      if (seen >= 0) {
        until[seen] = Math.max(until[seen], o.event().completed());
      }
    }
    for (boolean changed = true; changed;) {
      changed = false;
      for (Op o : ops) {
        if (o.unknown() && o.pre() >= 0 && until[o.post()] > until[o.pre()]) {
          until[o.pre()] = until[o.post()];
          changed = true;
        }
      }
    }
    return until;
  }

  /** Null when every completed operation is explained. */
  Stuck run() {
    Integer[] returns = Arrays.stream(ops).filter(o -> !o.unknown()).map(Op::index).toArray(Integer[]::new);
    Arrays.sort(returns, Comparator.<Integer>comparingLong(i -> ops[i].event().completed()).thenComparing(i -> i));
    int call = 0;
    for (int r = 0; r < returns.length;) {
      Op next = ops[returns[r]];
      if (call < ops.length && ops[call].event().invoked() <= next.event().completed()) {
        called(ops[call++]);
        continue;
      }
      List<SweepConfig> before = configs;
      Boolean explained = returned(next);
      if (explained == null || !explained) {
        Set<Integer> values = new java.util.TreeSet<>();
        long since = next.event().invoked();
        for (SweepConfig c : before) {
          values.add(c.value);
          for (int p : c.writes) {
            since = Math.min(since, ops[p].event().invoked());
          }
          for (int p : c.reads) {
            since = Math.min(since, ops[p].event().invoked());
          }
        }
        return new Stuck(next, explained == null, values, since);
      }
      r++;
    }
    return null;
  }

  private void called(Op op) {
    if (op.unknown()) {
      toRetire.add(op);
      unknownByPost.computeIfAbsent(op.post(), v -> new ArrayList<>()).add(op);
      if (op.pre() != ANY) {
        unknownCasByPost.computeIfAbsent(op.post(), v -> new ArrayList<>()).add(op);
      }
      return;
    }
    List<SweepConfig> next = new ArrayList<>(configs.size());
    for (SweepConfig c : configs) {
      if (op.read()) {
        next.add(c.value == op.observes() ? c : new SweepConfig(c.value, c.writes, insert(c.reads, op.index()), c.used));
      } else {
        next.add(new SweepConfig(c.value, insert(c.writes, op.index()), c.reads, c.used));
      }
    }
    configs = next;
  }

  /** True when some configuration explains {@code op}'s return; null when the search outgrew its bound. */
  private Boolean returned(Op op) {
    retireBefore(op.event().completed());
    Set<SweepConfig> out = new LinkedHashSet<>();
    Set<SweepConfig> visited = new HashSet<>();
    Deque<SweepConfig> stack = new ArrayDeque<>();
    for (SweepConfig c : configs) {
      if (!c.owes(op.index())) {
        out.add(c);
        continue;
      }
      if (visited.add(c)) {
        stack.push(c);
      }
      while (!stack.isEmpty()) {
        for (SweepConfig t : moves(stack.pop())) {
          if (!t.owes(op.index())) {
            out.add(t);
          } else if (visited.add(t)) {
            stack.push(t);
          }
        }
        if (visited.size() + out.size() > limit) {
          return null;
        }
      }
    }
    configs = prune(out);
    return !configs.isEmpty();
  }

  private void retireBefore(long time) {
    boolean any = false;
    while (!toRetire.isEmpty() && relevantUntil[toRetire.peek().post()] < time) {
      Op u = toRetire.poll();
      retired[u.index()] = true;
      unknownByPost.get(u.post()).remove(u);
      if (u.pre() != ANY) {
        unknownCasByPost.get(u.post()).remove(u);
      }
      any = true;
    }
    if (!any) {
      return;
    }
    Set<SweepConfig> stripped = new LinkedHashSet<>();
    for (SweepConfig c : configs) {
      int kept = 0;
      for (int u : c.used) {
        kept += retired[u] ? 0 : 1;
      }
      if (kept == c.used.length) {
        stripped.add(c);
        continue;
      }
      int[] used = new int[kept];
      int j = 0;
      for (int u : c.used) {
        if (!retired[u]) {
          used[j++] = u;
        }
      }
      stripped.add(new SweepConfig(c.value, c.writes, c.reads, used));
    }
    configs = prune(stripped);
  }

  /** The configurations one linearized write (and the reads it lets through) away from {@code s}. */
  private List<SweepConfig> moves(SweepConfig s) {
    List<SweepConfig> next = new ArrayList<>();
    for (int w : s.writes) {
      Op op = ops[w];
      if (op.pre() == ANY || op.pre() == s.value) {
        next.add(s.apply(op, ops));
      }
    }
    if (unknownByPost.isEmpty()) {
      return next;
    }
    // An unknown write counts only if something observes it at once: a read it lets through, or a
    // CAS (completed, or itself unknown and observed in turn) that expects its value.
    Deque<SweepConfig> mustObserve = new ArrayDeque<>();
    Set<SweepConfig> seen = new HashSet<>();
    useUnknown(s, wanted(s), false, next, mustObserve, seen);
    while (!mustObserve.isEmpty()) {
      SweepConfig m = mustObserve.pop();
      for (int w : m.writes) {
        if (ops[w].pre() == m.value) {
          next.add(m.apply(ops[w], ops));
        }
      }
      useUnknown(m, wanted(m), true, next, mustObserve, seen);
    }
    return next;
  }

  private void useUnknown(SweepConfig s, Set<Integer> wanted, boolean casOnly, List<SweepConfig> settled, Deque<SweepConfig> mustObserve,
      Set<SweepConfig> seen) {
    for (int x : wanted) {
      if (x == s.value) {
        continue;
      }
      List<Op> candidates = (casOnly ? unknownCasByPost : unknownByPost).getOrDefault(x, List.of());
      Set<Integer> triedPre = new HashSet<>();
      // An unknown CAS from the current value has the same effect here as an unknown unconditional
      // write of x, and is the weaker of the two to keep for later: use it first, the write never.
      for (Op u : unknownCasByPost.getOrDefault(x, List.of())) {
        if (u.pre() == s.value && Arrays.binarySearch(s.used, u.index()) < 0) {
          triedPre.add(ANY);
          break;
        }
      }
      for (Op u : candidates) {
        if ((u.pre() != ANY && u.pre() != s.value) || (casOnly && u.pre() == ANY) || triedPre.contains(u.pre())
            || Arrays.binarySearch(s.used, u.index()) >= 0) {
          continue;
        }
        triedPre.add(u.pre()); // identical unknown operations are interchangeable: the earliest unused stands for all
        SweepConfig t = s.apply(u, ops);
        if (t.reads.length < s.reads.length) {
          settled.add(t);
        } else if (seen.add(t)) {
          mustObserve.push(t);
        }
      }
    }
  }

  /** Values some pending operation of {@code s} expects, directly or through a chain of unknown CAS. */
  private Set<Integer> wanted(SweepConfig s) {
    Set<Integer> wanted = new HashSet<>();
    Deque<Integer> todo = new ArrayDeque<>();
    for (int r : s.reads) {
      todo.push(ops[r].observes());
    }
    for (int w : s.writes) {
      if (ops[w].pre() != ANY) {
        todo.push(ops[w].pre());
      }
    }
    while (!todo.isEmpty()) {
      int v = todo.pop();
      if (v == IMPOSSIBLE || !wanted.add(v)) {
        continue;
      }
      for (Op u : unknownCasByPost.getOrDefault(v, List.of())) {
        if (Arrays.binarySearch(s.used, u.index()) < 0) {
          todo.push(u.pre());
        }
      }
    }
    return wanted;
  }

  /** Drops every configuration another one dominates (same value and pending writes, subsets of reads owed and unknowns used). */
  private static List<SweepConfig> prune(Set<SweepConfig> all) {
    Map<SweepConfig, List<SweepConfig>> groups = new HashMap<>();
    for (SweepConfig c : all) {
      groups.computeIfAbsent(new SweepConfig(c.value, c.writes, new int[0], new int[0]), g -> new ArrayList<>()).add(c);
    }
    List<SweepConfig> kept = new ArrayList<>(all.size());
    for (List<SweepConfig> group : groups.values()) {
      if (group.size() == 1) {
        kept.addAll(group);
        continue;
      }
      group.sort(Comparator.comparingInt(c -> c.reads.length + c.used.length));
      List<SweepConfig> minimal = new ArrayList<>();
      for (SweepConfig c : group) {
        boolean dominated = false;
        for (SweepConfig k : minimal) {
          if (subset(k.reads, c.reads) && subset(k.used, c.used)) {
            dominated = true;
            break;
          }
        }
        if (!dominated) {
          minimal.add(c);
        }
      }
      kept.addAll(minimal);
    }
    return kept;
  }

  static boolean subset(int[] small, int[] big) {
    int j = 0;
    for (int x : small) {
      while (j < big.length && big[j] < x) {
        j++;
      }
      if (j == big.length || big[j] != x) {
        return false;
      }
      j++;
    }
    return true;
  }

  static int[] insert(int[] sorted, int x) {
    int at = Arrays.binarySearch(sorted, x);
    if (at >= 0) {
      return sorted;
    }
    at = -at - 1;
    int[] out = new int[sorted.length + 1];
    System.arraycopy(sorted, 0, out, 0, at);
    out[at] = x;
    System.arraycopy(sorted, at, out, at + 1, sorted.length - at);
    return out;
  }

  static int[] remove(int[] sorted, int x) {
    int at = Arrays.binarySearch(sorted, x);
    if (at < 0) {
      return sorted;
    }
    int[] out = new int[sorted.length - 1];
    System.arraycopy(sorted, 0, out, 0, at);
    System.arraycopy(sorted, at + 1, out, at, sorted.length - at - 1);
    return out;
  }
}
