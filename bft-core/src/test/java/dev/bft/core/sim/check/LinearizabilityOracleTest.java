package dev.bft.core.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker's shortcuts (reads placed at once, unknown writes used only when observed, dominated
 * configurations dropped, unknown writes retired) against the definition: on small random histories,
 * many of them not linearizable, it must agree with a search over every order of every subset.
 */
class LinearizabilityOracleTest {
  static final byte[] K = {'x'};

  @Test
  void agreesWithExhaustiveSearchOnSmallRandomHistories() {
    int violations = 0;
    for (long seed = 0; seed < 3000; seed++) {
      List<KvHistory.Event> h = randomHistory(new Random(seed));
      boolean expected = Oracle.linearizable(h);
      LinearizabilityChecker.Result r = LinearizabilityChecker.check(h);
      assertThat(r.linearizable()).as("seed %d: %s\n%s", seed, r.explanation(), h).isEqualTo(expected);
      violations += expected ? 0 : 1;
    }
    assertThat(violations).as("both verdicts are exercised").isBetween(300, 2700);
  }

  private static List<KvHistory.Event> randomHistory(Random r) {
    List<KvHistory.Event> h = new ArrayList<>();
    int n = 2 + r.nextInt(7);
    for (int i = 0; i < n; i++) {
      long from = r.nextInt(20);
      long to = from + r.nextInt(10);
      byte[] v = {(byte) r.nextInt(3)};
      KvOperation op = switch (r.nextInt(4)) {
        case 0 -> new KvOperation.Get(K);
        case 1 -> new KvOperation.Put(K, v);
        case 2 -> new KvOperation.Delete(K);
        default -> new KvOperation.Cas(K, r.nextInt(3) == 0 ? null : new byte[] {(byte) r.nextInt(3)}, v);
      };
      int fate = r.nextInt(10);
      if (fate < 3) {
        h.add(KvHistory.Event.unknown(i, from, op));
      } else if (fate == 3) {
        h.add(KvHistory.Event.fail(i, from, to, op));
      } else {
        h.add(KvHistory.Event.ok(i, from, to, op, randomResult(r, op)));
      }
    }
    return h;
  }

  private static KvResult randomResult(Random r, KvOperation op) {
    byte[] v = r.nextInt(4) == 0 ? null : new byte[] {(byte) r.nextInt(3)};
    if (op instanceof KvOperation.Get) {
      return v == null ? KvResult.ABSENT : KvResult.value(v);
    } else if (op instanceof KvOperation.Cas) {
      return r.nextBoolean() ? KvResult.OK : KvResult.casFailed(v);
    }
    return KvResult.OK;
  }

  /** Linearizability by definition: some order of the ok operations and some of the unknown ones. */
  static final class Oracle {
    static boolean linearizable(List<KvHistory.Event> h) {
      List<KvHistory.Event> ops = h.stream().filter(e -> e.outcome() != KvHistory.Outcome.FAIL).toList();
      return search(ops, new boolean[ops.size()], null);
    }

    private static boolean search(List<KvHistory.Event> ops, boolean[] done, byte[] value) {
      boolean allOk = true;
      for (int i = 0; i < ops.size(); i++) {
        allOk &= done[i] || ops.get(i).outcome() != KvHistory.Outcome.OK;
      }
      if (allOk) {
        return true;
      }
      for (int i = 0; i < ops.size(); i++) {
        if (done[i] || !minimal(ops, done, i)) {
          continue;
        }
        KvHistory.Event e = ops.get(i);
        byte[][] after = new byte[1][];
        KvResult result = apply(e.op(), value, after);
        if (e.outcome() == KvHistory.Outcome.OK && !result.equals(e.result())) {
          continue;
        }
        done[i] = true;
        boolean found = search(ops, done, after[0]);
        done[i] = false;
        if (found) {
          return true;
        }
      }
      return false;
    }

    /** No operation still to place completed before {@code i} was invoked. */
    private static boolean minimal(List<KvHistory.Event> ops, boolean[] done, int i) {
      for (int j = 0; j < ops.size(); j++) {
        if (!done[j] && ops.get(j).completed() < ops.get(i).invoked()) {
          return false;
        }
      }
      return true;
    }

    private static KvResult apply(KvOperation op, byte[] value, byte[][] after) {
      after[0] = value;
      if (op instanceof KvOperation.Get) {
        return value == null ? KvResult.ABSENT : KvResult.value(value);
      } else if (op instanceof KvOperation.Put p) {
        after[0] = p.value();
        return KvResult.OK;
      } else if (op instanceof KvOperation.Delete) {
        after[0] = null;
        return KvResult.OK;
      }
      KvOperation.Cas c = (KvOperation.Cas) op;
      boolean matches = c.expected() == null ? value == null : value != null && Arrays.equals(value, c.expected());
      if (!matches) {
        return KvResult.casFailed(value);
      }
      after[0] = c.newValue();
      return KvResult.OK;
    }
  }
}
