package dev.bft.client.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.nemesis.FaultSchedule.Fault;
import dev.bft.client.nemesis.FaultSchedule.Kind;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static final List<Kind> ALL = Arrays.asList(Kind.values());

  @Test
  void neverMoreThanFReplicasAreFaultyAtOnceAndAReplicaHasOneFaultAtATime() {
    for (int f = 1; f <= 2; f++) {
      for (long seed = 0; seed < 200; seed++) {
        List<Fault> faults = FaultSchedule.plan(seed, 600_000, 3 * f + 1, f, ALL, false);
        assertThat(faults).as("seed %d", seed).isNotEmpty();
        for (Fault x : faults) {
          // the faulty set only grows at a start, so checking every start checks every moment
          assertThat(FaultSchedule.active(faults, x.startMillis())).as("seed %d f %d at %s", seed, f, x).isLessThanOrEqualTo(f);
          for (Fault y : faults) {
            boolean overlap = x != y && x.startMillis() < y.healMillis() && y.startMillis() < x.healMillis();
            if (overlap) {
              assertThat(x.replicas()).as("seed %d: %s and %s", seed, x, y).doesNotContainAnyElementsOf(y.replicas());
            }
          }
        }
      }
    }
  }

  @Test
  void withOneFaultToleratedEachFaultHealsBeforeTheNextStarts() {
    List<Fault> faults = FaultSchedule.plan(7, 600_000, 4, 1, ALL, false);
    for (int i = 1; i < faults.size(); i++) {
      assertThat(faults.get(i).startMillis()).isGreaterThan(faults.get(i - 1).healMillis());
    }
  }

  @Test
  void withTwoFaultsToleratedFaultsDoOverlap() {
    List<Fault> faults = FaultSchedule.plan(7, 600_000, 7, 2, ALL, false);
    assertThat(faults.stream().anyMatch(x -> FaultSchedule.active(faults, x.startMillis()) == 2)).isTrue();
  }

  @Test
  void anHoursRunPlansHundredsOfFaultsAndLeavesARestartsWorthOfTimeAfterEachHeal() {
    List<Fault> faults = FaultSchedule.plan(11, 3_600_000, 4, 1, ALL, false);
    assertThat(faults.size()).isBetween(200, 600);
    for (int i = 1; i < faults.size(); i++) {
      assertThat(faults.get(i).startMillis() - faults.get(i - 1).healMillis()).as("gap before %s", faults.get(i))
          .isGreaterThanOrEqualTo(5_000);
    }
    assertThat(faults.get(faults.size() - 1).healMillis()).isGreaterThan(3_600_000 - 60_000);
  }

  @Test
  void theSameSeedPlansTheSameScheduleAndAnotherSeedAnother() {
    assertThat(FaultSchedule.plan(42, 60_000, 4, 1, ALL, false)).isEqualTo(FaultSchedule.plan(42, 60_000, 4, 1, ALL, false));
    assertThat(FaultSchedule.plan(42, 60_000, 4, 1, ALL, false)).isNotEqualTo(FaultSchedule.plan(43, 60_000, 4, 1, ALL, false));
  }

  @Test
  void faultsStayInsideTheRunLeavingItsStartAndEndQuietAndUseOnlyTheKindsAsked() {
    List<Kind> kinds = List.of(Kind.KILL, Kind.PAUSE);
    List<Fault> faults = FaultSchedule.plan(3, 60_000, 4, 1, kinds, false);
    Set<Kind> seen = new HashSet<>();
    assertThat(faults).isNotEmpty();
    for (Fault x : faults) {
      assertThat(x.startMillis()).isGreaterThanOrEqualTo(FaultSchedule.WARMUP_MILLIS);
      assertThat(x.healMillis()).isLessThanOrEqualTo(60_000 - FaultSchedule.COOLDOWN_MILLIS).isGreaterThan(x.startMillis());
      seen.add(x.kind());
    }
    assertThat(kinds).containsAll(seen);
  }

  @Test
  void beyondFStartsWithFPlusOneColludingReplicasAndTheRestStaysWithinF() {
    for (int f = 1; f <= 2; f++) {
      List<Fault> faults = FaultSchedule.plan(5, 120_000, 3 * f + 1, f, ALL, true);
      Fault first = faults.get(0);
      assertThat(first.kind()).isEqualTo(Kind.BYZANTINE);
      assertThat(first.startMillis()).as("the colluders play from the start").isZero();
      assertThat(first.detail()).isEqualTo(FaultSchedule.BEYOND_F_BEHAVIOUR);
      assertThat(new HashSet<>(first.replicas())).hasSize(f + 1);
      for (Fault x : faults.subList(1, faults.size())) {
        assertThat(x.startMillis()).isGreaterThanOrEqualTo(first.healMillis());
        assertThat(FaultSchedule.active(faults, x.startMillis())).isLessThanOrEqualTo(f);
      }
    }
  }

  @Test
  void aMinuteLongRunSeesEveryKind() {
    List<Kind> kinds = ALL;
    for (long seed = 0; seed < 500; seed++) {
      Set<Kind> seen = new HashSet<>();
      FaultSchedule.plan(seed, 60_000, 4, 1, kinds, false).forEach(x -> seen.add(x.kind()));
      assertThat(seen).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(kinds);
    }
  }

  @Test
  void aKindNameParsesAndAWrongOneSaysWhichExist() {
    assertThat(Kind.parse("disk-full")).isEqualTo(Kind.DISK_FULL);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Kind.parse("flood"))
        .hasMessageContaining("kill, pause");
  }
}
