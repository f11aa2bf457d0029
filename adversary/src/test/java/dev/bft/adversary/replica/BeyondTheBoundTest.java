package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Batch;
import dev.bft.core.sim.InvariantViolation;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where the guarantee ends. A colluding coalition that equivocates and votes both ways cannot split
 * n = 7 replicas when it has f = 2 members, but with f + 1 = 3 it makes correct replicas execute
 * different batches, and the agreement checker says so.
 */
class BeyondTheBoundTest {

  private static Simulation cluster(long seed) {
    return new Simulation(Simulation.Options.of(seed, 7, SnapshottingKv::new, new KvWorkload(3)).withLoad(4, 30));
  }

  @Test
  void fColludingReplicasCannotSplitTheCorrectOnes() {
    for (long seed = 1; seed <= 3; seed++) {
      Simulation sim = cluster(seed);
      Map<String, Batch> coalition = ColludingEquivocator.newCoalition();
      // correct replicas 1 and 3 are shown other batches than 4, 5 and 6
      sim.makeByzantine(0, new ColludingEquivocator(coalition, java.util.Set.of(1, 3)));
      sim.makeByzantine(2, new ColludingEquivocator(coalition, java.util.Set.of(1, 3)));
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as(sim.describe()).isTrue();
    }
  }

  @Test
  void fPlusOneColludingReplicasCanAndTheCheckerCatchesIt() {
    Simulation sim = cluster(1);
    Map<String, Batch> coalition = ColludingEquivocator.newCoalition();
    // correct replicas split 2 / 2: {1, 3} and {5, 6}; with three traitors each half reaches 2f + 1
    java.util.Set<Integer> groupB = java.util.Set.of(1, 3);
    sim.makeByzantine(0, new ColludingEquivocator(coalition, groupB));
    sim.makeByzantine(2, new ColludingEquivocator(coalition, groupB));
    assertThatThrownBy(() -> sim.makeByzantine(4, new ColludingEquivocator(coalition, groupB)))
        .as("the simulator refuses more than f unless the experiment says so")
        .isInstanceOf(IllegalArgumentException.class);
    sim.makeByzantineBeyondTheBound(4, new ColludingEquivocator(coalition, groupB));
    assertThatThrownBy(sim::run).isInstanceOf(InvariantViolation.class).hasMessageContaining("agreement violated");
  }
}
