package dev.bft.adversary.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.Values;
import dev.bft.core.agreement.VectorConsistency;
import dev.bft.core.runtime.AgreementSockets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Interactive consistency (every general with its own value) as OM(m) per entry: n > 3m again. */
class VectorTest {
  static final String A = Values.ATTACK;
  static final String R = Values.RETREAT;

  @Test
  void fourProcessesWithOneTraitorReachInteractiveConsistencyWhateverTheTraitorDoes() {
    VectorEnumerator.Summary s = VectorEnumerator.exhaustive(4, 1, 1);
    System.out.println("[ic] " + s);
    // 4 traitor positions x 2^3 loyal values x 3^9 scripts: the traitor sends its value to 3
    // processes and relays each of the 3 others' values to the 2 processes besides that one.
    assertThat(s.runs()).isEqualTo(4L * 8 * 19683);
    assertThat(s.holds()).as(String.join("\n", s.counterexamples())).isTrue();
  }

  @Test
  void threeProcessesWithOneTraitorCanBeFooledAndTheEnumeratorFindsHow() {
    VectorEnumerator.Summary s = VectorEnumerator.exhaustive(3, 1, 1);
    System.out.println("[ic] " + s + "\n[ic] counterexample: " + s.counterexamples().get(0));
    assertThat(s.runs()).isEqualTo(3L * 4 * 81);
    assertThat(s.holds()).isFalse();
    assertThat(s.counterexamples().get(0)).contains("VIOLATED");
  }

  @Test
  void aTraitorThatTellsEveryoneSomethingDifferentIsStillAgreedOn() {
    List<String> values = List.of(A, R, A, R);
    var o = VectorGenerals.run(1, values, Set.of(3), Generals.Strategy.EQUIVOCATE);
    assertThat(o.consistency().holds()).as(o.consistency().explanation()).isTrue();
    // The traitor told 0 and 2 "retreat" and 1 "attack"; the relays (flipped by the traitor, but
    // carried faithfully by the loyal ones) give every loyal process the same majority.
    assertThat(o.vectors()).containsOnlyKeys(0, 1, 2);
    assertThat(o.vectors().values()).allMatch(List.of(A, R, A, R)::equals);
  }

  @Test
  void forOneTraitorTheMessagesAreThoseOfThe1980Algorithm() {
    var o = VectorGenerals.run(1, VectorGenerals.alternatingValues(4), Set.of(), Generals.Strategy.SILENT);
    // Round 0: every process sends its value to every other; round 1: every process relays each
    // value it got to the two processes that are neither the value's owner nor itself.
    assertThat(o.run().rounds().get(0)).hasSize(4 * 3).allMatch(msg -> msg.path().size() == 1);
    assertThat(o.run().rounds().get(1)).hasSize(4 * 3 * 2).allMatch(msg -> msg.path().size() == 2);
    assertThat(o.consistency().holds()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Generals.Strategy.class)
  void namedStrategiesCannotBreakFourProcessesWithOneTraitor(Generals.Strategy strategy) {
    for (int traitor = 0; traitor < 4; traitor++) {
      var o = VectorGenerals.run(1, VectorGenerals.alternatingValues(4), Set.of(traitor), strategy);
      assertThat(o.consistency().holds()).as("traitor %d, %s: %s", traitor, strategy, o.consistency().explanation())
          .isTrue();
    }
  }

  @Test
  void aSilentTraitorsEntryIsTheDefault() {
    var o = VectorGenerals.run(1, List.of(A, A, A, A), Set.of(2), Generals.Strategy.SILENT);
    assertThat(o.vectors().values()).allMatch(List.of(A, A, Values.DEFAULT, A)::equals);
  }

  @Test
  void sevenProcessesWithTwoTraitorsOnARandomSample() {
    long seed = 20261203L;
    VectorEnumerator.Summary s = VectorEnumerator.sample(7, 2, 2, 200, seed);
    System.out.println("[ic] " + s + " (random sample, seed " + seed + ")");
    assertThat(s.holds()).as(String.join("\n", s.counterexamples())).isTrue();
  }

  @Test
  void theCheckCatchesDisagreementAndAWrongLoyalEntry() {
    List<String> values = List.of(A, R, A, R);
    var disagree = VectorConsistency.check(Map.of(0, List.of(A, R, A, A), 1, List.of(A, R, A, R), 2,
        List.of(A, R, A, R)), values, Set.of(3));
    assertThat(disagree.agreement()).isFalse();
    assertThat(disagree.validity()).isTrue();
    var wrong = VectorConsistency.check(Map.of(0, List.of(A, A, A, R), 1, List.of(A, A, A, R), 2,
        List.of(A, A, A, R)), values, Set.of(3));
    assertThat(wrong.agreement()).isTrue();
    assertThat(wrong.validity()).isFalse();
    assertThat(wrong.explanation()).contains("for loyal process 1, whose value is retreat");
  }

  @Test
  void overTcpTheVectorsAreThoseOfTheInMemoryRun() throws Exception {
    List<String> values = VectorGenerals.alternatingValues(4);
    var inMemory = VectorGenerals.run(1, values, Set.of(3), Generals.Strategy.EQUIVOCATE);
    try (AgreementSockets<OralMessage> tcp = new AgreementSockets<>(Generals.testKeys(4), false, 5000)) {
      var overTcp = VectorGenerals.run(1, values, Set.of(3), Generals.Strategy.EQUIVOCATE, tcp);
      assertThat(overTcp.vectors()).isEqualTo(inMemory.vectors());
      assertThat(overTcp.run().messageCount()).isEqualTo(inMemory.run().messageCount());
    }
  }
}
