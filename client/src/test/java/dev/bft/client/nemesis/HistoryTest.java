package dev.bft.client.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.sim.check.KvHistory;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How recorded outcomes reach the checker, and what the report computes from them. */
class HistoryTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static History.Op put(long invoked, long completed, KvHistory.Outcome outcome) {
    return new History.Op(1000, new KvOperation.Put(b("k0"), b("v1")), false, invoked, completed, outcome,
        outcome == KvHistory.Outcome.OK ? KvResult.OK : null);
  }

  private static History.Op readsV1(long invoked, long completed) {
    return new History.Op(1001, new KvOperation.Get(b("k0")), true, invoked, completed, KvHistory.Outcome.OK, KvResult.value(b("v1")));
  }

  @Test
  void anUnknownWriteMayExplainALaterReadButAFailedOneMayNot() {
    List<History.Op> unknown = List.of(put(0, 10, KvHistory.Outcome.UNKNOWN), readsV1(20, 30));
    assertThat(LinearizabilityChecker.check(History.toCheckerEvents(unknown)).linearizable()).isTrue();

    List<History.Op> failed = List.of(put(0, 10, KvHistory.Outcome.FAIL), readsV1(20, 30));
    assertThat(LinearizabilityChecker.check(History.toCheckerEvents(failed)).linearizable()).isFalse();
  }

  @Test
  void aReadOfAValueBeforeItsWriteWasInvokedIsAnAnomaly() {
    List<History.Op> ops = List.of(readsV1(0, 10), put(20, 30, KvHistory.Outcome.OK));
    assertThat(LinearizabilityChecker.check(History.toCheckerEvents(ops)).linearizable()).isFalse();
  }

  @Test
  void recoveryCountsOnlyOperationsInvokedAfterTheHeal() {
    List<History.Op> ops = List.of(put(0, 5_000_000_000L, KvHistory.Outcome.OK), readsV1(3_000_000_000L, 4_000_000_000L));
    assertThat(NemesisReport.recovery(ops, 2_000_000_000L)).isEqualTo(2000); // the read, not the put invoked before
    assertThat(NemesisReport.recovery(ops, 3_500_000_000L)).isEqualTo(-1);
    assertThat(NemesisReport.nextOk(ops, 4_500_000_000L)).isEqualTo(500);
    assertThat(NemesisReport.okPerSecond(ops, 6_000_000_000L)).containsExactly(0, 0, 0, 0, 1, 1);
  }
}
