package dev.bft.core.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  static final byte[] K = "x".getBytes(StandardCharsets.UTF_8);

  static KvHistory.Event put(int c, long from, long to, int v) {
    return new KvHistory.Event(c, from, to, new KvOperation.Put(K, new byte[] {(byte) v}), KvResult.OK);
  }

  static KvHistory.Event get(int c, long from, long to, Integer v) {
    return new KvHistory.Event(c, from, to, new KvOperation.Get(K),
        v == null ? KvResult.ABSENT : KvResult.value(new byte[] {(byte) (int) v}));
  }

  static KvHistory.Event cas(int c, long from, long to, Integer expected, int v, KvResult result) {
    return new KvHistory.Event(c, from, to, new KvOperation.Cas(K, expected == null ? null : new byte[] {(byte) (int) expected},
        new byte[] {(byte) v}), result);
  }

  static boolean ok(KvHistory.Event... events) {
    return LinearizabilityChecker.check(List.of(events)).linearizable();
  }

  @Test
  void concurrentOperationsMayTakeEffectInEitherOrder() {
    assertThat(ok(put(1, 0, 10, 1), put(2, 0, 10, 2), get(3, 11, 12, 1))).isTrue();
    assertThat(ok(put(1, 0, 10, 1), put(2, 0, 10, 2), get(3, 11, 12, 2))).isTrue();
    assertThat(ok(put(1, 0, 10, 1), get(2, 5, 6, null))).as("read before the write took effect").isTrue();
  }

  @Test
  void aStaleReadAfterACompletedWriteIsCaught() {
    assertThat(ok(put(1, 0, 1, 1), put(1, 2, 3, 2), get(2, 4, 5, 1))).isFalse();
    var r = LinearizabilityChecker.check(List.of(put(1, 0, 1, 1), put(1, 2, 3, 2), get(2, 4, 5, 1)));
    assertThat(r.explanation()).contains("key 'x'", "get(x)");
  }

  @Test
  void aLostUpdateIsCaught() {
    // Two CAS from the same expected value cannot both succeed.
    assertThat(ok(put(1, 0, 1, 0), cas(2, 2, 10, 0, 1, KvResult.OK), cas(3, 2, 10, 0, 2, KvResult.OK))).isFalse();
    assertThat(ok(put(1, 0, 1, 0), cas(2, 2, 10, 0, 1, KvResult.OK),
        cas(3, 2, 10, 0, 2, KvResult.casFailed(new byte[] {1})))).isTrue();
  }

  @Test
  void aReadOfAValueNeverWrittenIsCaught() {
    assertThat(ok(put(1, 0, 1, 1), get(2, 2, 3, 7))).isFalse();
  }

  @Test
  void pendingOperationsMayOrMayNotTakeEffect() {
    KvHistory.Event pending = new KvHistory.Event(1, 0, Long.MAX_VALUE, new KvOperation.Put(K, new byte[] {5}), null);
    assertThat(ok(pending, get(2, 10, 11, 5))).isTrue();
    assertThat(ok(pending, get(2, 10, 11, null))).isTrue();
    assertThat(ok(pending, get(2, 10, 11, 5), get(2, 12, 13, null))).as("once seen, it cannot vanish").isFalse();
  }

  /** A history produced by a real sequential store, with each operation's interval stretched around its instant, is accepted. */
  @Property(tries = 60)
  void historiesOfASequentialStoreAreAccepted(@ForAll long seed) {
    Random r = new Random(seed);
    List<KvHistory.Event> events = new ArrayList<>();
    byte[][] store = new byte[3][];
    for (int t = 0; t < 80; t++) {
      int key = r.nextInt(3);
      byte[] k = ("k" + key).getBytes(StandardCharsets.UTF_8);
      long at = t * 10L;
      long from = at - r.nextInt(15);
      long to = at + r.nextInt(15);
      byte[] v = {(byte) r.nextInt(3)};
      switch (r.nextInt(3)) {
        case 0 -> {
          events.add(new KvHistory.Event(t, from, to, new KvOperation.Put(k, v), KvResult.OK));
          store[key] = v;
        }
        case 1 -> events.add(new KvHistory.Event(t, from, to, new KvOperation.Get(k),
            store[key] == null ? KvResult.ABSENT : KvResult.value(store[key])));
        default -> {
          boolean match = store[key] != null && store[key][0] == v[0];
          byte[] nv = {(byte) (v[0] + 1)};
          events.add(new KvHistory.Event(t, from, to, new KvOperation.Cas(k, v, nv),
              match ? KvResult.OK : KvResult.casFailed(store[key])));
          if (match) {
            store[key] = nv;
          }
        }
      }
    }
    assertThat(LinearizabilityChecker.check(events).linearizable()).isTrue();
  }

  @Test
  void aLongHistoryIsCheckedQuickly() {
    Random r = new Random(1);
    List<KvHistory.Event> events = new ArrayList<>();
    byte[][] store = new byte[50][];
    for (int t = 0; t < 5000; t++) {
      int key = r.nextInt(50);
      byte[] k = ("k" + key).getBytes(StandardCharsets.UTF_8);
      byte[] v = {(byte) r.nextInt(5)};
      if (r.nextBoolean()) {
        events.add(new KvHistory.Event(t % 8, t * 10L - 5, t * 10L + 5, new KvOperation.Put(k, v), KvResult.OK));
        store[key] = v;
      } else {
        events.add(new KvHistory.Event(t % 8, t * 10L - 5, t * 10L + 5, new KvOperation.Get(k),
            store[key] == null ? KvResult.ABSENT : KvResult.value(store[key])));
      }
    }
    assertThat(LinearizabilityChecker.check(events).linearizable()).isTrue();
  }

  static KvOperation.Put putOp(int v) {
    return new KvOperation.Put(K, new byte[] {(byte) v});
  }

  @Test
  void aFailedOperationMustNotTakeEffect() {
    assertThat(ok(KvHistory.Event.fail(1, 0, 1, putOp(5)), get(2, 2, 3, null))).isTrue();
    assertThat(ok(KvHistory.Event.fail(1, 0, 1, putOp(5)), get(2, 2, 3, 5))).isFalse();
    assertThat(ok(put(1, 0, 1, 1), KvHistory.Event.fail(1, 2, 3, new KvOperation.Delete(K)), get(2, 4, 5, 1))).isTrue();
  }

  @Test
  void anUnknownWriteMayTakeEffectLongAfterItsInvocationOrNever() {
    KvHistory.Event unknown = KvHistory.Event.unknown(1, 0, putOp(5));
    assertThat(ok(put(2, 1, 2, 1), unknown, get(3, 100, 101, 1), get(3, 200, 201, 5))).as("ordered late").isTrue();
    assertThat(ok(unknown, get(3, 100, 101, null), get(3, 200, 201, null))).as("never").isTrue();
    assertThat(ok(put(2, 1, 2, 1), get(3, 100, 101, 5), KvHistory.Event.unknown(1, 150, putOp(5)))).as("not before invoked").isFalse();
    assertThat(ok(unknown, get(3, 100, 101, 5), put(2, 102, 103, 1), get(3, 200, 201, 5))).as("at most once").isFalse();
  }

  @Test
  void unknownWritesChainThroughAnUnknownCas() {
    KvHistory.Event toTwo = KvHistory.Event.unknown(1, 0, putOp(2));
    KvHistory.Event twoToThree = KvHistory.Event.unknown(2, 0, new KvOperation.Cas(K, new byte[] {2}, new byte[] {3}));
    assertThat(ok(put(3, 0, 1, 1), toTwo, twoToThree, get(4, 10, 11, 3))).isTrue();
    assertThat(ok(put(3, 0, 1, 1), twoToThree, get(4, 10, 11, 3))).as("the CAS needs the 2 first").isFalse();
  }

  @Test
  void anUnknownReadIsIgnoredAndAnErrorResultChangedNothing() {
    assertThat(ok(put(1, 0, 1, 1), KvHistory.Event.unknown(2, 2, new KvOperation.Get(K)), get(2, 4, 5, 1))).isTrue();
    KvHistory.Event refused = KvHistory.Event.ok(1, 2, 3, putOp(7), KvResult.error("not a key-value operation"));
    assertThat(ok(put(1, 0, 1, 1), refused, get(2, 4, 5, 1))).isTrue();
  }

  @Test
  void aFailedCasReportsTheCurrentValueAndThatIsChecked() {
    assertThat(ok(put(1, 0, 1, 1), cas(2, 2, 3, 0, 9, KvResult.casFailed(new byte[] {1})))).isTrue();
    assertThat(ok(put(1, 0, 1, 1), cas(2, 2, 3, 0, 9, KvResult.casFailed(new byte[] {4})))).as("wrong current value").isFalse();
    assertThat(ok(put(1, 0, 1, 1), cas(2, 2, 3, 1, 9, KvResult.casFailed(new byte[] {1})))).as("failed although it matched").isFalse();
    assertThat(ok(cas(2, 2, 3, null, 9, KvResult.casFailed(null)))).as("failed on an absent key expecting absent").isFalse();
    assertThat(ok(cas(2, 2, 3, null, 9, KvResult.OK), get(1, 4, 5, 9))).isTrue();
  }

  @Test
  void aWriteAnsweredWithAValueIsCaught() {
    assertThat(ok(KvHistory.Event.ok(1, 0, 1, putOp(1), KvResult.value(new byte[] {1})))).isFalse();
  }

  @Test
  void theEventOfTheSimulatorStillMeansPendingForANullResult() {
    KvHistory.Event e = new KvHistory.Event(1, 0, 5, putOp(1), null);
    assertThat(e.outcome()).isEqualTo(KvHistory.Outcome.UNKNOWN);
    assertThat(e.completed()).isEqualTo(Long.MAX_VALUE);
    assertThat(new KvHistory.Event(1, 0, 5, putOp(1), KvResult.OK).outcome()).isEqualTo(KvHistory.Outcome.OK);
  }

  @Test
  void aSearchThatOutgrowsItsBoundIsUndecidedNotAViolation() {
    List<KvHistory.Event> events = new ArrayList<>();
    for (int c = 0; c < 12; c++) {
      events.add(put(c, 0, 100, c));
    }
    events.add(get(99, 101, 102, 3));
    assertThat(LinearizabilityChecker.check(events).verdict()).isEqualTo(LinearizabilityChecker.Verdict.LINEARIZABLE);
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(events, 50);
    assertThat(r.verdict()).isEqualTo(LinearizabilityChecker.Verdict.UNDECIDED);
    assertThat(r.explanation()).contains("undecided: more than 50 configurations");
  }
}
