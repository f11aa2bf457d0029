package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.protocol.EpochEnd;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.ReconfigurationPlan;
import dev.bft.core.sim.ReconfigurationPlan.Kind;
import dev.bft.core.sim.SimEpochs;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reconfigurations with f Byzantine replicas in the old group only (they leave), in the new group
 * only (they join) and in both (they stay), each playing a behaviour of the catalogue on a lossy
 * network. Nodes are the simulator's processes: 0..n-1 form the first epoch; a reconfiguration
 * that adds replicas adds nodes n, n+1, .... Agreement per epoch, exactly-once across epochs and
 * that no core processes another epoch's message are checked at every step among the correct
 * replicas; at the end every operation completed, the history is linearizable across the epochs,
 * every member runs the next epoch and every replaced node stopped.
 */
class ReconfigurationByzantineTest {
  static Stream<Arguments> placements() {
    return Stream.of(
        Arguments.of("old group only: the replaced node", Kind.REPLACE, new int[] {1}),
        Arguments.of("old group only: two leaving nodes of 7", Kind.SHRINK, new int[] {5, 6}),
        Arguments.of("new group only: the replacing node", Kind.REPLACE, new int[] {4}),
        Arguments.of("new group only: two joining nodes of 7", Kind.GROW, new int[] {5, 6}),
        Arguments.of("both groups: the old primary, staying", Kind.CLIENTS, new int[] {0}),
        Arguments.of("both groups: a staying node and a joining one", Kind.GROW, new int[] {3, 6}),
        Arguments.of("both groups: a staying node and a leaving one", Kind.SHRINK, new int[] {2, 6}));
  }

  static Stream<Arguments> behaviours() {
    return Stream.of(
        Arguments.of("random mutator", (IntFunction<OutboundFilter>) id -> new RandomMutator(id * 31L, 0.2, 7)),
        Arguments.of("lying backup", (IntFunction<OutboundFilter>) LyingBackup::new),
        Arguments.of("silent", (IntFunction<OutboundFilter>) id -> new SilentReplica()),
        Arguments.of("replayer", (IntFunction<OutboundFilter>) id -> new Replayer(id, 7)));
  }

  static Stream<Arguments> cases() {
    return placements().flatMap(p -> behaviours().map(b -> Arguments.of(p.get()[0], p.get()[1], p.get()[2], b.get()[0],
        b.get()[1])));
  }

  @ParameterizedTest(name = "{0}, {3}")
  @MethodSource("cases")
  void fByzantineReplicasInTheOldTheNewOrBothGroupsCannotBreakTheInvariants(String placement, Kind kind, int[] nodes,
                                                                           String behaviour,
                                                                           IntFunction<OutboundFilter> filter) {
    SimSeeds.seeds(90_000 + kind.ordinal() * 100 + Math.floorMod(placement.hashCode() + behaviour.hashCode(), 50), 1)
        .forEach(seed -> {
          KvWorkload workload = new KvWorkload(3);
          Simulation sim = new Simulation(Simulation.Options.of(seed, kind.firstN(), SnapshottingKv::new, workload)
              .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 40));
          SimEpochs epochs = sim.reconfigure(ReconfigurationPlan.of(kind, 100 + seed % 300));
          for (int node : nodes) {
            sim.makeByzantine(node, filter.apply(node));
          }
          System.out.println("[adversary] reconfiguration, " + placement + ", " + behaviour + " seed=" + seed
              + " (replay: -Dsim.seed=" + seed + ")");
          Simulation.Result r = sim.run();
          assertThat(r.allCompleted()).as("%s, %s, seed %d: liveness\n%s%s", placement, behaviour, seed, sim.describe(),
              epochs.describe()).isTrue();
          assertThat(EpochEnd.fromResult(epochs.administratorResult())).isNotNull();
          assertThat(epochs.stoppedAt().keySet()).containsExactlyInAnyOrderElementsOf(epochs.leavers());
          assertThat(epochs.startedAt()).hasSize(epochs.nextMembers().length);
          LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
          assertThat(lin.linearizable()).as("%s, %s, seed %d: %s", placement, behaviour, seed, lin.explanation()).isTrue();
        });
  }
}
