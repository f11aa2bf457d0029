package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.byzantine.OutboundFilter;
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
 * Each named behaviour played by up to f replicas against n = 4 and n = 7, on a lossy network,
 * with clients contending on a few keys. Agreement, validity, exactly-once and no-self-contradiction
 * are checked at every step among the correct replicas; at the end every operation completed and
 * what the clients saw is linearizable.
 */
class ByzantineReplicaScenariosTest {

  static Stream<Arguments> behaviours() {
    return Stream.of(
        Arguments.of("equivocating primary", (IntFunction<OutboundFilter>) id -> new EquivocatingPrimary(), true),
        Arguments.of("lying backup", (IntFunction<OutboundFilter>) id -> new LyingBackup(id), false),
        Arguments.of("wrong replier", (IntFunction<OutboundFilter>) id -> new WrongReplier(), false),
        Arguments.of("replayer", (IntFunction<OutboundFilter>) id -> new Replayer(id, 7), false),
        Arguments.of("silent primary", (IntFunction<OutboundFilter>) id -> new SilentReplica(), true),
        Arguments.of("silent backup", (IntFunction<OutboundFilter>) id -> new SilentReplica(), false),
        Arguments.of("flooding backup", (IntFunction<OutboundFilter>) id -> new Flooder(id), false),
        Arguments.of("flooding primary", (IntFunction<OutboundFilter>) id -> new Flooder(id), true),
        Arguments.of("forging backup", (IntFunction<OutboundFilter>) id -> new Forger(id, 3), false),
        Arguments.of("slow primary", (IntFunction<OutboundFilter>) id -> new SlowPrimary(350), true),
        Arguments.of("selectively silent primary", (IntFunction<OutboundFilter>) id -> new SelectivelySilent(java.util.Set.of(1)), true),
        Arguments.of("stale view-changer", (IntFunction<OutboundFilter>) id -> new StaleViewChanger(), false),
        Arguments.of("skewed-timestamp primary", (IntFunction<OutboundFilter>) id -> new SkewedTimestampPrimary(3_600_000), true),
        Arguments.of("stale reader", (IntFunction<OutboundFilter>) id -> new StaleReader(), false),
        Arguments.of("lying new primary", (IntFunction<OutboundFilter>) id -> new ComposedLiar(), true),
        Arguments.of("selectively silent backup", (IntFunction<OutboundFilter>) id -> new SelectivelySilent(java.util.Set.of(0, 1)), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("behaviours")
  void fByzantineReplicasCannotBreakTheInvariants(String name, IntFunction<OutboundFilter> behaviour, boolean primary) {
    for (int n : new int[] {4, 7}) {
      int f = (n - 1) / 3;
      SimSeeds.seeds(80_000 + n * 100 + name.hashCode() % 50, 3).forEach(seed -> {
        KvWorkload workload = new KvWorkload(3);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
            .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(5, 50));
        for (int k = 0; k < f; k++) {
          int id = primary ? k : n - 1 - k; // primaries of views 0.. f-1, or the last replicas
          sim.makeByzantine(id, behaviour.apply(id));
        }
        System.out.println("[adversary] " + name + " n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("%s, n=%d, seed %d: liveness\n%s", name, n, seed, sim.describe()).isTrue();
        int correct = primary ? n - 1 : 0;
        if (primary && !name.startsWith("flooding") && !name.startsWith("slow")) {
          assertThat(sim.replicaCore(correct).view()).as("%s was replaced", name).isPositive();
        }
        assertThat(sim.replicaCore(correct).stableCheckpoint()).as("checkpoints still become stable").isPositive();
        if (name.equals("lying new primary") && n == 7) {
          assertThat(sim.replicaCore(correct).drops().get(dev.bft.core.protocol.DropReason.INVALID_NEW_VIEW))
              .as("the lying NEW-VIEW was seen and rejected").isPositive();
        }
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("%s, seed %d: %s", name, seed, lin.explanation()).isTrue();
      });
    }
  }

  /** Silent as the first primary (forcing a view change) and a liar as any later one. */
  static final class ComposedLiar implements OutboundFilter {
    private final SilentReplica silent = new SilentReplica();
    private final LyingNewPrimary liar = new LyingNewPrimary();

    @Override
    public java.util.List<Outbound> toReplica(int self, int to, dev.bft.core.message.ReplicaMessage m, long now) {
      return m instanceof dev.bft.core.message.NewView ? liar.toReplica(self, to, m, now) : silent.toReplica(self, to, m, now);
    }
  }
}
