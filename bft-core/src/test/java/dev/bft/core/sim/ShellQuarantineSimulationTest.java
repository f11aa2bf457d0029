package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell's client quarantine, run by the simulator on its virtual clock: a client whose frame
 * fails its signature check on its own link is refused by that replica for a while, and the
 * client is still served (through the other replicas, which forward its requests) once it sends
 * correct requests again.
 */
class ShellQuarantineSimulationTest {
  @TempDir
  Path dir;

  @Test
  void aClientThatSendsAForgedFrameIsRefusedForAWhileAndThenServed() {
    SimSeeds.seeds(82_000, 2).forEach(seed -> {
      Simulation sim = new Simulation(ShellSimulationTest.options(seed, dir, ShellOptions.production()));
      byte[] forged = sim.clientFrame(Request.unsigned(Simulation.FIRST_CLIENT_ID, 1_000_000, false,
          "put k v".getBytes(StandardCharsets.UTF_8)));
      forged[forged.length - 1] ^= 1; // the signature's last byte
      sim.injectClientFrame(0, Simulation.FIRST_CLIENT_ID, forged, 20);
      System.out.println("[sim] shell quarantine seed=" + seed + " (replay: -Dsim.seed=" + seed + ")");
      try {
        Simulation.Result r = sim.run();
        assertThat(sim.refusedWhileQuarantined(0)).as("the primary refused the forger's later frames").isPositive();
        assertThat(r.allCompleted()).as("liveness, seed %d\n%s", seed, sim.describe()).isTrue();
      } finally {
        sim.closeStorage();
      }
    });
  }
}
