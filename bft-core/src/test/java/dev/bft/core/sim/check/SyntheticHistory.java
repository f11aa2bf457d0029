package dev.bft.core.sim.check;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Histories of a correct store: clients invoke operations with overlapping real-time intervals, each
 * operation takes effect at a random instant inside its interval, and a sequential model applied in
 * the order of those instants gives the results. Some operations time out (unknown outcome: half of
 * them took effect) and some fail (never took effect). Such a history is linearizable by construction.
 */
final class SyntheticHistory {
  final int keys;
  final int clients;
  final double unknownRate;
  final double failRate;
  /** 0: every written value is unique; otherwise values are drawn from this many. */
  final int valueDomain;

  SyntheticHistory(int keys, int clients, double unknownRate, double failRate, int valueDomain) {
    this.keys = keys;
    this.clients = clients;
    this.unknownRate = unknownRate;
    this.failRate = failRate;
    this.valueDomain = valueDomain;
  }

  private record Planned(int client, long invoked, long instant, long completed, KvOperation op,
      KvHistory.Outcome outcome, boolean takesEffect) {}

  List<KvHistory.Event> generate(int operations, long seed) {
    Random r = new Random(seed);
    PriorityQueue<long[]> ready = new PriorityQueue<>(Comparator.comparingLong((long[] c) -> c[1]).thenComparingLong(c -> c[0]));
    for (int c = 0; c < clients; c++) {
      ready.add(new long[] {c, r.nextInt(20)});
    }
    byte[][] lastWritten = new byte[keys][];
    long unique = 0;
    List<Planned> planned = new ArrayList<>(operations);
    for (int i = 0; i < operations; i++) {
      long[] client = ready.poll();
      int k = r.nextInt(keys);
      byte[] key = ("k" + k).getBytes(StandardCharsets.UTF_8);
      byte[] value = valueDomain == 0 ? ("v" + unique++).getBytes(StandardCharsets.UTF_8)
          : new byte[] {(byte) r.nextInt(valueDomain)};
      int dice = r.nextInt(100);
      KvOperation op;
      if (dice < 40) {
        op = new KvOperation.Get(key);
      } else if (dice < 70) {
        op = new KvOperation.Put(key, value);
        lastWritten[k] = value;
      } else if (dice < 90) {
        // Mostly the value the client last heard of, so that many CAS succeed.
        byte[] expected = r.nextInt(4) == 0 ? null : lastWritten[k];
        op = new KvOperation.Cas(key, expected, value);
        lastWritten[k] = value;
      } else {
        op = new KvOperation.Delete(key);
        lastWritten[k] = null;
      }
      long invoked = client[1] + r.nextInt(10);
      long instant = invoked + 1 + r.nextInt(60);
      long completed = instant + 1 + r.nextInt(60);
      double fate = r.nextDouble();
      KvHistory.Outcome outcome = fate < unknownRate ? KvHistory.Outcome.UNKNOWN
          : fate < unknownRate + failRate ? KvHistory.Outcome.FAIL : KvHistory.Outcome.OK;
      boolean takesEffect = outcome == KvHistory.Outcome.OK || (outcome == KvHistory.Outcome.UNKNOWN && r.nextBoolean());
      if (outcome == KvHistory.Outcome.UNKNOWN && takesEffect) {
        instant += r.nextInt(1000); // a timed-out request may be ordered long after the client gave up
      }
      planned.add(new Planned((int) client[0], invoked, instant, completed, op, outcome, takesEffect));
      client[1] = completed;
      ready.add(client);
    }
    List<Planned> byInstant = new ArrayList<>(planned);
    byInstant.sort(Comparator.comparingLong(Planned::instant));
    byte[][] store = new byte[keys][];
    java.util.Map<Planned, KvResult> results = new java.util.IdentityHashMap<>();
    for (Planned p : byInstant) {
      if (!p.takesEffect()) {
        continue;
      }
      int k = Integer.parseInt(new String(p.op().key(), StandardCharsets.UTF_8).substring(1));
      results.put(p, apply(store, k, p.op()));
    }
    List<KvHistory.Event> events = new ArrayList<>(operations);
    for (Planned p : planned) {
      events.add(switch (p.outcome()) {
        case OK -> KvHistory.Event.ok(p.client(), p.invoked(), p.completed(), p.op(), results.get(p));
        case FAIL -> KvHistory.Event.fail(p.client(), p.invoked(), p.completed(), p.op());
        case UNKNOWN -> KvHistory.Event.unknown(p.client(), p.invoked(), p.op());
      });
    }
    return events;
  }

  private static KvResult apply(byte[][] store, int k, KvOperation op) {
    if (op instanceof KvOperation.Get) {
      return store[k] == null ? KvResult.ABSENT : KvResult.value(store[k]);
    } else if (op instanceof KvOperation.Put p) {
      store[k] = p.value();
      return KvResult.OK;
    } else if (op instanceof KvOperation.Delete) {
      store[k] = null;
      return KvResult.OK;
    }
    KvOperation.Cas c = (KvOperation.Cas) op;
    boolean matches = c.expected() == null ? store[k] == null : store[k] != null && Arrays.equals(store[k], c.expected());
    if (!matches) {
      return KvResult.casFailed(store[k]);
    }
    store[k] = c.newValue();
    return KvResult.OK;
  }
}
