package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.sim.ReconfigurationPlan.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reconfiguration checks of a whole run catch a simulated shell with a planted bug: the same
 * runs as {@link ReconfigurationSimulationTest}'s pass without the bug and fail with it.
 */
class PlantedEpochBugsTest {
  private static Simulation replayerRun(boolean planted) {
    KvWorkload w = new KvWorkload(3);
    Simulation sim = ReconfigurationSimulationTest.sim(77, ReconfigurationPlan.of(Kind.GROW, 150), w,
        NetworkFaults.reliable());
    sim.makeByzantine(3, (self, to, m, now) -> List.of(new OutboundFilter.Outbound(to, m)));
    sim.epochs().replayOldEpochMessages(3);
    if (planted) {
      sim.epochs().plantLetOtherEpochsThrough();
    }
    return sim;
  }

  @Test
  void aShellThatLetsOldEpochMessagesThroughIsCaught() {
    Simulation correct = replayerRun(false);
    assertThat(correct.run().allCompleted()).isTrue();
    assertThat(correct.epochs().otherEpochDrops()).isPositive();

    Simulation planted = replayerRun(true);
    assertThatThrownBy(planted::run).isInstanceOf(InvariantViolation.class).hasMessageContaining("epochs")
        .hasMessageContaining("processed a message of epoch 0");
  }

  @Test
  void aReplacedReplicaThatNeverStopsIsCaught() {
    KvWorkload w = new KvWorkload(3);
    Simulation sim = ReconfigurationSimulationTest.sim(78, ReconfigurationPlan.of(Kind.REPLACE, 150), w,
        NetworkFaults.reliable());
    sim.epochs().plantNeverStopReplaced();

    assertThatThrownBy(sim::run).isInstanceOf(InvariantViolation.class).hasMessageContaining("handover")
        .hasMessageContaining("nodes [1]");
  }
}
