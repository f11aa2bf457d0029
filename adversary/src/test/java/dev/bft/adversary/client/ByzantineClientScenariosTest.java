package dev.bft.adversary.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Request;
import dev.bft.core.service.KvOperation;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A Byzantine client reuses request numbers, sends different operations under one request number to
 * different replicas, and floods, while honest clients work on the same keys. Exactly-once,
 * agreement and bounded state are checked at every step; the honest clients must all finish and see
 * a linearizable history.
 */
class ByzantineClientScenariosTest {
  static final int ROGUE = 5_000;

  static Request op(long t, String value) {
    return Request.unsigned(ROGUE, t, false, new KvOperation.Put("rogue".getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8)).encode());
  }

  @Test
  void aByzantineClientCannotMakeAnyReplicaExecuteTwiceOrDisagree() {
    for (int n : new int[] {4, 7}) {
      SimSeeds.seeds(90_000 + n, 3).forEach(seed -> {
        KvWorkload workload = new KvWorkload(3);
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, workload)
            .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(4, 50));
        SplittableRandom random = new SplittableRandom(seed);
        long t = 1;
        for (long at = 5; at < 3000; at += 10 + random.nextInt(20)) {
          switch (random.nextInt(3)) {
            case 0 -> { // the same request number again, with a new operation, to everyone
              long reused = Math.max(1, t - 1 - random.nextInt(3));
              for (int r = 0; r < n; r++) {
                sim.injectRequest(r, op(reused, "reused" + at), at);
              }
            }
            case 1 -> { // one number, a different operation for each replica
              t++;
              for (int r = 0; r < n; r++) {
                sim.injectRequest(r, op(t, "conflict" + r), at);
              }
            }
            default -> { // a flood of fresh numbers at the primary
              for (int k = 0; k < 50; k++) {
                sim.injectRequest(0, op(++t, "flood" + k), at);
              }
            }
          }
        }
        System.out.println("[adversary] byzantine client n=" + n + " seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("honest clients finish, seed %d\n%s", seed, sim.describe()).isTrue();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("seed %d: %s", seed, lin.explanation()).isTrue();
        assertThat(sim.replicaCore(1).clientTable().get(ROGUE)).as("the rogue's requests were ordered too").isNotNull();
      });
    }
  }
}
