package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Replicas that fall behind the others' stable checkpoints catch up by chunked, verified state transfer. */
class StateTransferSimulationTest {

  private static Simulation.Options kv(long seed, int n, KvWorkload workload) {
    // checkpoints every 8, window 16: a replica cut off for a while falls far outside the window
    ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(n), 0, 8, 2, 4, 8, 16, 400);
    return Simulation.Options.of(seed, n, SnapshottingKv::new, workload).withReplicaConfig(config)
        .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(6, 150);
  }

  @Test
  void aReplicaPartitionedForManyCheckpointsRejoinsByStateTransfer() {
    SimSeeds.seeds(60_000, 4).forEach(seed -> {
      KvWorkload workload = new KvWorkload(4);
      Simulation sim = new Simulation(kv(seed, 4, workload));
      sim.isolate(3, 100, 4000);
      System.out.println("[sim] partitioned replica seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.stateTransfersCompleted()).as(sim.stateTransferReport()).isPositive();
      long max = Arrays.stream(r.lastExecuted()).max().orElseThrow();
      // Within two checkpoint intervals: a replica the partition left alone in a higher view
      // (its view-change timers ran on while cut off) does not rejoin the others' view; it follows
      // them by state transfer, one stable checkpoint at a time, so when the clients finish it may
      // be short of the last checkpoint and of what executed after it.
      assertThat(r.lastExecuted()[3]).as("the partitioned replica caught up\n%s", sim.describe())
          .isGreaterThan(max - 2 * 16);
      assertThat(LinearizabilityChecker.check(workload.finish().events()).linearizable()).isTrue();
    });
  }

  @Test
  void aByzantineStateServerIsDetectedAndTheTransferCompletesFromOthers() {
    SimSeeds.seeds(61_000, 4).forEach(seed -> {
      Simulation sim = new Simulation(kv(seed, 7, new KvWorkload(4)));
      sim.isolate(6, 100, 4000);
      sim.serveCorruptState(5);
      sim.serveCorruptState(4);
      System.out.println("[sim] corrupt state servers seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      Simulation.Result r = sim.run();
      assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      assertThat(sim.stateTransfersCompleted()).as(sim.stateTransferReport()).isPositive();
      assertThat(sim.badStateDetected()).as(sim.stateTransferReport()).isPositive();
    });
  }

  /** Each lie alone, told by two of seven replicas in the shape it belongs to: the lagging replica still catches up. */
  @Test
  void everyKindOfLieInTheNewShapesIsSurvived() {
    for (StateLie lie : StateLie.values()) {
      SimSeeds.seeds(63_000 + 10 * lie.ordinal(), 1).forEach(seed -> survives(seed, lie));
    }
  }

  /**
   * Two servers declare every chunk 2 GiB long and stream junk to fill it: the lagging replica
   * refuses the first piece (its head does not make the proven digest), takes the chunks from
   * correct peers, and never staged more of a discarded chunk than an honest chunk holds (the
   * simulation's buckets hold a few small entries, far below 64 KiB; the liars' junk comes a MiB a
   * piece, so a receiver that believed the declared length would pass 64 KiB at the first piece).
   */
  @Test
  void aServerDeclaringAHugeChunkGetsNoMoreStagedThanAnHonestChunk() {
    SimSeeds.seeds(64_000, 2).forEach(seed -> {
      Simulation sim = survives(seed, StateLie.HUGE_CHUNK);
      assertThat(sim.badStateDetected()).as("the liars were caught: %s", sim.stateTransferReport()).isPositive();
      assertThat(sim.transferStats().mostBytesDiscarded).as(sim.stateTransferReport()).isLessThan(64 * 1024);
    });
  }

  /** Seven replicas, 6 cut off for a while and 4 and 5 telling {@code lie}: the run ends, 6 caught up, and linearizable. */
  private static Simulation survives(long seed, StateLie lie) {
    KvWorkload workload = new KvWorkload(4);
    Simulation sim = new Simulation(kv(seed, 7, workload));
    sim.isolate(6, 100, 4000);
    sim.serveCorruptState(5, lie);
    sim.serveCorruptState(4, lie);
    System.out.println("[sim] state servers lying " + lie + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
    Simulation.Result r = sim.run();
    assertThat(r.allCompleted()).as("liveness, %s, seed %d\n%s", lie, seed, sim.describe()).isTrue();
    assertThat(sim.stateTransfersCompleted()).as(sim.stateTransferReport()).isPositive();
    long max = Arrays.stream(r.lastExecuted()).max().orElseThrow();
    assertThat(r.lastExecuted()[6]).as("%s: the partitioned replica caught up\n%s", lie, sim.describe())
        .isGreaterThan(max - 16);
    assertThat(LinearizabilityChecker.check(workload.finish().events()).linearizable()).isTrue();
    System.out.println("[sim]   " + sim.stateTransferReport());
    return sim;
  }

  @Test
  void theLogStaysBoundedOverAHundredThousandOperations() {
    long seed = SimSeeds.seeds(62_000, 1).findFirst().orElseThrow();
    ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(4), 0, 64, 2, 8, 32, 64, 400);
    Simulation sim = new Simulation(Simulation.Options.of(seed, 4, AppendOnlyService::new, AppendOnlyService.workload())
        .withReplicaConfig(config).withFaults(new NetworkFaults(0.001, 0.001, 1, 5)).withLoad(50, 2000));
    System.out.println("[sim] 100000 operations seed=" + seed);
    Simulation.Result r = sim.run();
    // the bounded-state checker ran after every step; here: the run really was that long
    assertThat(r.allCompleted()).as(sim.describe()).isTrue();
    assertThat(r.completedOperations()).isEqualTo(100_000);
    for (int i = 0; i < 4; i++) {
      assertThat(sim.replicaCore(i).logSize()).isLessThanOrEqualTo(64);
      assertThat(sim.replicaCore(i).stableCheckpoint()).isPositive();
    }
  }
}
