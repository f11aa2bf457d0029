package dev.bft.adversary.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.agreement.Values;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lamport's bounds, played out: OM needs n > 3m; SM works for n >= m + 2. */
class TraitorsTest {

  @Test
  void fourGeneralsWithOneTraitorAgreeWhateverTheTraitorDoes() {
    TraitorEnumerator.Summary s = TraitorEnumerator.exhaustive(4, 1, 1);
    System.out.println("[om] " + s);
    // 4 traitor positions x 2 commander values x 3^(messages the traitor sends) behaviours
    assertThat(s.runs()).isEqualTo(2 * (27 + 3 * 9));
    assertThat(s.holds()).as(String.join("\n", s.counterexamples())).isTrue();
  }

  @Test
  void threeGeneralsWithOneTraitorCanBeFooledAndTheEnumeratorFindsHow() {
    TraitorEnumerator.Summary s = TraitorEnumerator.exhaustive(3, 1, 1);
    System.out.println("[om] " + s + "\n[om] counterexample: " + s.counterexamples().get(0));
    assertThat(s.holds()).isFalse();
    assertThat(s.counterexamples().get(0)).contains("VIOLATED");
  }

  @Test
  void sevenGeneralsWithTwoTraitorsAgreeOnALargeRandomSample() {
    long seed = 20261124L;
    TraitorEnumerator.Summary s = TraitorEnumerator.sample(7, 2, 2, 3000, seed);
    System.out.println("[om] " + s + " (random sample, seed " + seed + ")");
    assertThat(s.holds()).as(String.join("\n", s.counterexamples())).isTrue();
  }

  @Test
  void theSampleDoesFindViolationsWhereTheyExist() {
    // n = 6 is not > 3m for m = 2: random traitor behaviour must expose it.
    TraitorEnumerator.Summary s = TraitorEnumerator.sample(6, 2, 2, 3000, 1);
    assertThat(s.holds()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Generals.Strategy.class)
  void namedStrategiesCannotBreakFourGeneralsWithOneTraitor(Generals.Strategy strategy) {
    for (int traitor = 0; traitor < 4; traitor++) {
      for (String value : new String[] {Values.ATTACK, Values.RETREAT}) {
        var o = Generals.oral(4, 1, value, Set.of(traitor), strategy);
        assertThat(o.ic().holds()).as("traitor %d, %s: %s", traitor, strategy, o.ic().explanation()).isTrue();
      }
    }
  }

  @Test
  void aLyingRelayBreaksThreeGenerals() {
    var o = Generals.oral(3, 1, Values.ATTACK, Set.of(2), Generals.Strategy.LIE);
    assertThat(o.ic().ic2()).isFalse();
  }

  @Test
  void signedOrdersLetThreeGeneralsAgreeDespiteATraitor() {
    var equivocating = Generals.signed(3, 1, Values.ATTACK, Set.of(0), Generals.Strategy.EQUIVOCATE);
    assertThat(equivocating.ic().holds()).as(equivocating.ic().explanation()).isTrue();
    assertThat(equivocating.run().decisions()).containsEntry(1, Values.DEFAULT).containsEntry(2, Values.DEFAULT);
    var silentLieutenant = Generals.signed(3, 1, Values.ATTACK, Set.of(2), Generals.Strategy.SILENT);
    assertThat(silentLieutenant.ic().holds()).isTrue();
    assertThat(silentLieutenant.run().decisions()).containsEntry(1, Values.ATTACK);
  }
}
