package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ledger.LedgerService;
import dev.bft.core.sim.InvariantViolation;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.LeakyLedger;
import dev.bft.core.sim.LedgerWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.Workload;
import dev.bft.core.sim.check.LedgerSupplyChecker;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each named behaviour played by up to f replicas against n = 4 and n = 7, on a lossy network, for
 * each service: the key-value store with clients contending on a few keys, and the ledger with
 * clients moving money between a few accounts. Agreement, validity, exactly-once and
 * no-self-contradiction are checked at every step among the correct replicas, and every operation
 * completes. The service's own invariant is checked too: what the kv clients saw is linearizable;
 * at every correct replica, after every execution, the ledger's balances add up to the deposits
 * minus the withdrawals (money is neither created nor destroyed).
 */
class ByzantineReplicaScenariosTest {

  /** What the cluster replicates, with its clients' workload and its own invariant. */
  enum Service {
    KV(3),
    /** One seed per behaviour and size by default: the scenarios already run the kv at three. */
    LEDGER(1);

    /** Seeds per behaviour and cluster size in the default run; the campaign runs {@code -Dsim.seeds}. */
    final int defaultSeeds;

    Service(int defaultSeeds) {
      this.defaultSeeds = defaultSeeds;
    }

    Run start(long seed, int n) {
      return this == KV ? kv(seed, n) : ledger(seed, n, () -> new LedgerService(4));
    }
  }

  /** One seeded run: the simulation, and the service's own check once it has finished. */
  record Run(Simulation sim, Runnable serviceCheck) {}

  static Run kv(long seed, int n) {
    KvWorkload workload = new KvWorkload(3);
    Simulation sim = new Simulation(options(seed, n, SnapshottingKv::new, workload));
    return new Run(sim, () -> {
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
      assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
    });
  }

  /** Six accounts for five clients: transfers to an account nobody opened are refused, and that is exercised too. */
  static Run ledger(long seed, int n, Supplier<ReplicatedService> service) {
    Simulation sim = new Simulation(options(seed, n, service, new LedgerWorkload(6)));
    LedgerSupplyChecker supply = new LedgerSupplyChecker(r -> !sim.isByzantine(r));
    sim.observe(supply);
    return new Run(sim, () -> assertThat(supply.checks()).as("seed %d: the supply was checked", seed).isPositive());
  }

  private static Simulation.Options options(long seed, int n, Supplier<ReplicatedService> service, Workload workload) {
    return Simulation.Options.of(seed, n, service, workload).withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(5, 50);
  }

  /** The primaries of views 0 .. f-1, or the last f replicas, play the behaviour. */
  static void makeByzantine(Simulation sim, int n, IntFunction<OutboundFilter> behaviour, boolean primary) {
    for (int k = 0; k < (n - 1) / 3; k++) {
      int id = primary ? k : n - 1 - k;
      sim.makeByzantine(id, behaviour.apply(id));
    }
  }

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

  /** Every behaviour with every service. */
  static Stream<Arguments> scenarios() {
    return behaviours().flatMap(b -> Stream.of(Service.values()).map(service -> {
      Object[] a = b.get();
      return Arguments.of(a[0], a[1], a[2], service);
    }));
  }

  @ParameterizedTest(name = "{0}, {3}")
  @MethodSource("scenarios")
  void fByzantineReplicasCannotBreakTheInvariants(String name, IntFunction<OutboundFilter> behaviour, boolean primary,
                                                  Service service) {
    play(name, behaviour, primary, service, 80_000, service.defaultSeeds);
  }

  /** {@code -Pcampaign}: the same scenarios over more seeds ({@code -Dsim.seeds=N}, 50 unless given) and other ones. */
  @Tag("campaign")
  @ParameterizedTest(name = "{0}, {3}")
  @MethodSource("scenarios")
  void campaign(String name, IntFunction<OutboundFilter> behaviour, boolean primary, Service service) {
    play(name, behaviour, primary, service, 180_000, Integer.getInteger("sim.seeds", 50));
  }

  private static void play(String name, IntFunction<OutboundFilter> behaviour, boolean primary, Service service,
                           long base, int seeds) {
    for (int n : new int[] {4, 7}) {
      SimSeeds.seeds(base + n * 100 + name.hashCode() % 50, seeds).forEach(seed -> {
        Run run = service.start(seed, n);
        Simulation sim = run.sim();
        makeByzantine(sim, n, behaviour, primary);
        System.out.println("[adversary] " + name + ", " + service + " n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("%s, %s, n=%d, seed %d: liveness\n%s", name, service, n, seed, sim.describe()).isTrue();
        int correct = primary ? n - 1 : 0;
        if (primary && !name.startsWith("flooding") && !name.startsWith("slow")) {
          assertThat(sim.replicaCore(correct).view()).as("%s was replaced", name).isPositive();
        }
        assertThat(sim.replicaCore(correct).stableCheckpoint()).as("checkpoints still become stable").isPositive();
        if (name.equals("lying new primary") && n == 7) {
          assertThat(sim.replicaCore(correct).drops().get(dev.bft.core.protocol.DropReason.INVALID_NEW_VIEW))
              .as("the lying NEW-VIEW was seen and rejected").isPositive();
        }
        run.serviceCheck().run();
      });
    }
  }

  /**
   * The ledger's check can fail under a Byzantine scenario: with a ledger that destroys a unit of
   * money on every transfer, at every replica, the correct replicas' balances stop adding up while
   * the equivocating primary is being replaced.
   */
  @Test
  void aLedgerThatLosesMoneyOnTransfersIsCaughtUnderAnEquivocatingPrimary() {
    long seed = SimSeeds.seeds(82_000, 1).findFirst().orElseThrow();
    Run run = ledger(seed, 4, LeakyLedger::new);
    makeByzantine(run.sim(), 4, id -> new EquivocatingPrimary(), true);
    System.out.println("[adversary] leaky ledger, equivocating primary seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
    assertThatThrownBy(run.sim()::run).isInstanceOf(InvariantViolation.class).hasMessageContaining("ledger-supply")
        .hasMessageContaining("balances add up to");
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
