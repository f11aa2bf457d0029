package dev.bft.core.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OralMessagesTest {
  static RoundRunner.Run<OralMessage> loyalRun(int n, int m, String value) {
    List<OralGeneral> generals = new ArrayList<>();
    generals.add(OralGeneral.commander(0, n, m, value));
    for (int i = 1; i < n; i++) {
      generals.add(OralGeneral.lieutenant(i, n, m, 0));
    }
    return RoundRunner.run(generals, m + 1, RoundNetwork.RELIABLE);
  }

  @ParameterizedTest(name = "n={0} m={1}")
  @CsvSource({"4,1", "7,2", "5,1", "10,3", "3,0"})
  void withEveryoneLoyalEveryLieutenantObeys(int n, int m) {
    RoundRunner.Run<OralMessage> run = loyalRun(n, m, Values.ATTACK);
    assertThat(run.decisions()).hasSize(n - 1).allSatisfy((id, v) -> assertThat(v).isEqualTo(Values.ATTACK));
  }

  /** OM(m) sends (n-1) + (n-1)(n-2) + ... + (n-1)(n-2)...(n-1-m) messages: O(n^(m+1)). */
  @ParameterizedTest(name = "n={0} m={1}: {2} messages")
  @CsvSource({"4,1,9", "5,1,16", "7,2,156", "4,2,15", "10,3,3609"})
  void messageCountGrowsAsTheTheorySays(int n, int m, int expected) {
    long formula = 0;
    for (int k = 0; k <= m; k++) {
      long term = 1;
      for (int j = 1; j <= k + 1; j++) {
        term *= n - j;
      }
      formula += term;
    }
    assertThat(formula).isEqualTo(expected);
    RoundRunner.Run<OralMessage> run = loyalRun(n, m, Values.RETREAT);
    assertThat(run.messageCount()).isEqualTo(expected);
    for (int k = 0; k <= m; k++) {
      long term = 1;
      for (int j = 1; j <= k + 1; j++) {
        term *= n - j;
      }
      assertThat(run.rounds().get(k)).as("round %d", k).hasSize((int) term);
    }
  }

  @Test
  void lostMessagesCountAsTheDefault() {
    // Every message lost: each lieutenant holds only defaults and decides "retreat".
    List<OralGeneral> generals = List.of(OralGeneral.commander(0, 4, 1, Values.ATTACK),
        OralGeneral.lieutenant(1, 4, 1, 0), OralGeneral.lieutenant(2, 4, 1, 0), OralGeneral.lieutenant(3, 4, 1, 0));
    RoundRunner.Run<OralMessage> run = RoundRunner.run(generals, 2, (r, msg) -> false);
    assertThat(run.decisions().values()).containsOnly(Values.DEFAULT);
  }

  @Test
  void majorityNeedsMoreThanHalfOrFallsBackToTheDefault() {
    assertThat(Values.majority(List.of("attack", "attack", "retreat"))).isEqualTo("attack");
    assertThat(Values.majority(List.of("attack", "retreat"))).isEqualTo(Values.DEFAULT);
    assertThat(Values.majority(List.of())).isEqualTo(Values.DEFAULT);
  }

  @Test
  void theCheckerCatchesPlantedViolations() {
    Set<Integer> loyal = Set.of(1, 2, 3);
    assertThat(InteractiveConsistency.check(Map.of(1, "attack", 2, "attack", 3, "attack"), loyal, true, "attack").holds()).isTrue();
    InteractiveConsistency split = InteractiveConsistency.check(Map.of(1, "attack", 2, "retreat", 3, "attack"), loyal, false, "attack");
    assertThat(split.ic1()).isFalse();
    assertThat(split.explanation()).contains("IC1 VIOLATED");
    InteractiveConsistency disobey = InteractiveConsistency.check(Map.of(1, "retreat", 2, "retreat", 3, "retreat"), loyal, true, "attack");
    assertThat(disobey.ic1()).isTrue();
    assertThat(disobey.ic2()).isFalse();
    assertThat(InteractiveConsistency.check(Map.of(1, "retreat", 2, "retreat", 3, "retreat"), loyal, false, "attack").holds())
        .as("IC2 does not bind a traitor commander").isTrue();
  }

  @Test
  void signedMessagesWithALoyalCommanderAgreeOnItsValue() {
    Map<Integer, Ed25519PublicKey> keys = new HashMap<>();
    Ed25519KeyPair[] pairs = new Ed25519KeyPair[3];
    for (int i = 0; i < 3; i++) {
      pairs[i] = Ed25519KeyPair.forTesting(i);
      keys.put(i, pairs[i].publicKey());
    }
    OrderSignatures sigs = new OrderSignatures(keys);
    List<SignedGeneral> generals = List.of(SignedGeneral.commander(0, 3, 1, Values.ATTACK, pairs[0], sigs),
        SignedGeneral.lieutenant(1, 3, 1, 0, pairs[1], sigs), SignedGeneral.lieutenant(2, 3, 1, 0, pairs[2], sigs));
    RoundRunner.Run<SignedOrder> run = RoundRunner.run(generals, 2, RoundNetwork.RELIABLE);
    assertThat(run.decisions()).containsEntry(1, Values.ATTACK).containsEntry(2, Values.ATTACK);
    assertThat(run.messageCount()).isEqualTo(2 + 2);
  }

  @Test
  void aSignatureChainCannotBeAlteredOrMovedToAnotherValue() {
    Map<Integer, Ed25519PublicKey> keys = Map.of(0, Ed25519KeyPair.forTesting(0).publicKey(), 1, Ed25519KeyPair.forTesting(1).publicKey());
    OrderSignatures sigs = new OrderSignatures(keys);
    var chain = OrderSignatures.extend("attack", List.of(), 0, Ed25519KeyPair.forTesting(0));
    chain = OrderSignatures.extend("attack", chain, 1, Ed25519KeyPair.forTesting(1));
    assertThat(sigs.valid(new SignedOrder("attack", chain, 2))).isTrue();
    assertThat(sigs.valid(new SignedOrder("retreat", chain, 2))).as("another value").isFalse();
    assertThat(sigs.valid(new SignedOrder("attack", List.of(chain.get(1), chain.get(0)), 2))).as("reordered").isFalse();
    var forged = List.of(new SignedOrder.Link(0, Ed25519KeyPair.forTesting(1).sign(
        dev.bft.crypto.SignatureDomain.of(21), OrderSignatures.signedBytes("retreat", List.of()))));
    assertThat(sigs.valid(new SignedOrder("retreat", forged, 2))).as("signed by 1 in 0's name").isFalse();
  }
}
