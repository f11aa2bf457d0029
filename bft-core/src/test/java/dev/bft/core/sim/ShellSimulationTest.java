package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production shell (ReplicaShell: verification, vote filter, effects, commit stage, timers)
 * runs inside seeded simulations: frames signed and verified, records committed to LMDB before
 * anything leaves, replicas losing power in the middle of commits and restarting from LMDB. Every
 * invariant holds, including that a restarted replica remembers everything it sent.
 */
class ShellSimulationTest {
  @TempDir
  Path dir;

  static Simulation.Options options(long seed, Path root, ShellOptions shell) {
    ReplicaConfig config = new ReplicaConfig(Quorum.ofReplicas(4), 0, 8, 2, 4, 8, 16, 400);
    return Simulation.Options.of(seed, 4, SnapshottingKv::new, new KvWorkload(3))
        .withReplicaConfig(config).withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 30)
        .withShell(root.resolve("seed-" + seed), shell);
  }

  @Test
  void theProductionShellServesEveryClientOverALossyNetwork() {
    SimSeeds.seeds(80_000, 3).forEach(seed -> {
      Simulation sim = new Simulation(options(seed, dir, ShellOptions.production()));
      System.out.println("[sim] shell seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
        assertThat(java.util.Arrays.stream(r.lastExecuted()).min().orElse(0)).as("every replica executed through the shell").isPositive();
      } finally {
        sim.closeStorage();
      }
    });
  }

  @Test
  void replicasThatLosePowerMidCommitComeBackRememberingWhatTheySent() {
    SimSeeds.seeds(81_000, 3).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3);
      Simulation.Options o = options(seed, dir, ShellOptions.production().withCrashes(0.02, 150, 6_000));
      Simulation sim = new Simulation(new Simulation.Options(o.seed(), o.replicas(), o.clients(),
          o.operationsPerClient(), o.faults(), o.replicaConfig(), o.service(), workload, o.maxTicks(),
          o.clientRetransmitTicks(), o.lmdbRoot(), o.shell()));
      System.out.println("[sim] shell power-loss seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
        assertThat(sim.restartsFromStorage()).as("power losses really happened").isPositive();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
      } finally {
        sim.closeStorage();
      }
    });
  }

  /**
   * Results above one byte by digest from all but their designated replier, through the real
   * encoder, reply tree and decoder, with replicas losing power (a restarted replica answers a
   * retransmission in full from the client table it recovered).
   */
  @Test
  void resultsByDigestPassTheShellAndPowerLosses() {
    SimSeeds.seeds(84_000, 2).forEach(seed -> {
      KvWorkload workload = new KvWorkload(3, 50);
      Simulation.Options o = options(seed, dir, ShellOptions.production().withCrashes(0.02, 150, 6_000));
      Simulation sim = new Simulation(new Simulation.Options(o.seed(), o.replicas(), o.clients(),
          o.operationsPerClient(), o.faults(), o.replicaConfig().withReplyDigestBytes(1), o.service(), workload,
          o.maxTicks(), o.clientRetransmitTicks(), o.lmdbRoot(), o.shell()));
      long[] byDigest = {0};
      sim.loseMessages((from, to, message) -> {
        if (to < 0 && message instanceof dev.bft.core.message.Reply r && r.digestOnly()) {
          byDigest[0]++;
        }
        return false; // counts, loses nothing
      });
      System.out.println("[sim] shell by digest seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
        assertThat(byDigest[0]).as("signed digest replies reached the clients").isPositive();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
      } finally {
        sim.closeStorage();
      }
    });
  }

  @Test
  void aSeedReplaysTheShellExactly() {
    long seed = SimSeeds.seeds(83_000, 1).findFirst().orElseThrow();
    String[] traces = new String[2];
    for (int run = 0; run < 2; run++) {
      Simulation sim = new Simulation(options(seed, dir.resolve("run-" + run),
          ShellOptions.production().withCrashes(0.02, 150, 3_000)));
      try {
        traces[run] = sim.run().traceDigest();
      } finally {
        sim.closeStorage();
      }
    }
    assertThat(traces[1]).as("seed %d replays to the same trace", seed).isEqualTo(traces[0]);
  }
}
