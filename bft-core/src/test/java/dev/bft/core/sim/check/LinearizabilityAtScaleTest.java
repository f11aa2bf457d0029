package dev.bft.core.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories of the size a nemesis run records: 100 000 operations, many clients, timeouts and refusals. */
class LinearizabilityAtScaleTest {
  static final int OPERATIONS = 100_000;
  /** Planted anomalies go into histories this long, which keeps the default run short. */
  static final int PLANTED_IN = 30_000;
  static final byte[] KEY = "k3".getBytes(StandardCharsets.UTF_8);

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLargeCorrectHistoryWithUnknownsAndFailuresIsLinearizable() {
    List<KvHistory.Event> h = new SyntheticHistory(20, 16, 0.03, 0.01, 0).generate(OPERATIONS, 11);
    assertThat(unknownWritesObservedLater(h)).as("the history exercises unknown writes that took effect").isGreaterThan(100);
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(h);
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(LinearizabilityChecker.Verdict.LINEARIZABLE);
  }

  @Test
  void aCorrectHistoryOverFewValuesIsLinearizable() {
    // Few distinct values make unknown writes ambiguous (any of them may explain a read): the hard case.
    List<KvHistory.Event> h = new SyntheticHistory(50, 16, 0.03, 0.01, 4).generate(30_000, 12);
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(h);
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(LinearizabilityChecker.Verdict.LINEARIZABLE);
  }

  @Test
  void oneKeyWithALongHistoryDoesNotRecurse() {
    List<KvHistory.Event> h = new SyntheticHistory(1, 4, 0.02, 0.01, 0).generate(OPERATIONS, 13);
    assertThat(LinearizabilityChecker.check(h).linearizable()).isTrue();
  }

  @Test
  void aStaleReadIsFound() {
    List<KvHistory.Event> h = new ArrayList<>(new SyntheticHistory(20, 16, 0.03, 0.01, 0).generate(PLANTED_IN, 14));
    // A read in the middle returns a value that two completed writes in a row have since overwritten.
    int g = -1;
    byte[] stale = null;
    for (int i = h.size() / 2; stale == null; i++) {
      KvHistory.Event e = h.get(i);
      if (e.op() instanceof KvOperation.Get && e.outcome() == KvHistory.Outcome.OK) {
        stale = overwrittenBefore(h, e);
        g = i;
      }
    }
    KvHistory.Event read = h.get(g);
    KvHistory.Event planted = KvHistory.Event.ok(read.client(), read.invoked(), read.completed(), read.op(), KvResult.value(stale));
    h.set(g, planted);
    assertFoundAt(LinearizabilityChecker.check(h), planted);
  }

  @Test
  void aLostAcknowledgedWriteIsFound() {
    List<KvHistory.Event> h = middleOfABusyKey(15);
    long t = h.get(h.size() / 2).invoked();
    h.add(KvHistory.Event.ok(9001, t, t + 1, new KvOperation.Put(KEY, b("before")), KvResult.OK));
    h.add(KvHistory.Event.ok(9001, t + 2, t + 3, new KvOperation.Put(KEY, b("acknowledged")), KvResult.OK));
    KvHistory.Event read = KvHistory.Event.ok(9002, t + 4, t + 5, new KvOperation.Get(KEY), KvResult.value(b("before")));
    h.add(read);
    assertFoundAt(LinearizabilityChecker.check(h), read);
  }

  @Test
  void aCasThatSucceededAgainstTheWrongValueIsFound() {
    List<KvHistory.Event> h = middleOfABusyKey(16);
    long t = h.get(h.size() / 2).invoked();
    h.add(KvHistory.Event.ok(9001, t, t + 1, new KvOperation.Put(KEY, b("first")), KvResult.OK));
    h.add(KvHistory.Event.ok(9001, t + 2, t + 3, new KvOperation.Put(KEY, b("second")), KvResult.OK));
    KvHistory.Event cas = KvHistory.Event.ok(9002, t + 4, t + 5, new KvOperation.Cas(KEY, b("first"), b("third")), KvResult.OK);
    h.add(cas);
    assertFoundAt(LinearizabilityChecker.check(h), cas);
  }

  @Test
  void aFailedOperationThatTookEffectIsFound() {
    List<KvHistory.Event> h = middleOfABusyKey(17);
    long t = h.get(h.size() / 2).invoked();
    h.add(KvHistory.Event.fail(9001, t, t + 1, new KvOperation.Put(KEY, b("refused"))));
    KvHistory.Event read = KvHistory.Event.ok(9002, t + 2, t + 3, new KvOperation.Get(KEY), KvResult.value(b("refused")));
    h.add(read);
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(h);
    assertFoundAt(r, read);
    assertThat(r.explanation()).as("the failed put is shown next to the read").contains("put(k3, refused) -> failed");
  }

  private static List<KvHistory.Event> middleOfABusyKey(long seed) {
    return new ArrayList<>(new SyntheticHistory(20, 16, 0.03, 0.01, 0).generate(PLANTED_IN, seed));
  }

  private static void assertFoundAt(LinearizabilityChecker.Result r, KvHistory.Event planted) {
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE);
    assertThat(r.explanation()).startsWith("key 'k").contains("no linearization explains " + planted);
    assertThat(r.explanation().lines().count()).as("a bounded explanation").isLessThanOrEqualTo(LinearizabilityChecker.EXPLANATION_LINES + 3);
  }

  /** The value of a completed put that another completed put overwrote before {@code read} began. */
  private static byte[] overwrittenBefore(List<KvHistory.Event> h, KvHistory.Event read) {
    KvHistory.Event newer = null;
    for (KvHistory.Event e : h) {
      if (isPutOn(e, read) && e.completed() < read.invoked() && (newer == null || e.invoked() > newer.invoked())) {
        newer = e;
      }
    }
    for (KvHistory.Event e : h) {
      if (newer != null && isPutOn(e, read) && e.completed() < newer.invoked()) {
        return ((KvOperation.Put) e.op()).value();
      }
    }
    return null;
  }

  private static boolean isPutOn(KvHistory.Event e, KvHistory.Event read) {
    return e.outcome() == KvHistory.Outcome.OK && e.op() instanceof KvOperation.Put && Arrays.equals(e.op().key(), read.op().key());
  }

  private static int unknownWritesObservedLater(List<KvHistory.Event> h) {
    java.util.Set<String> read = new java.util.HashSet<>();
    for (KvHistory.Event e : h) {
      if (e.outcome() == KvHistory.Outcome.OK && e.result().status() == KvResult.Status.VALUE) {
        read.add(new String(e.result().value(), StandardCharsets.UTF_8));
      }
    }
    int n = 0;
    for (KvHistory.Event e : h) {
      if (e.pending() && e.op() instanceof KvOperation.Put p && read.contains(new String(p.value(), StandardCharsets.UTF_8))) {
        n++;
      }
    }
    return n;
  }
}
