package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A seed replays the same trace in another JVM, including one whose identity hash codes are all
 * alike: what a run does must not hang on hash order, identity hashes (enums, plain objects as
 * keys) or the per-JVM salt of {@code Set.of}/{@code Map.of}, all of which one JVM keeps fixed
 * and so a replay within one JVM cannot catch. The run crashes the primary, so a NEW-VIEW seeds
 * the next primary's batches from the requests its replica waited for.
 */
class CrossJvmReplayTest {
  private static final long SEED = 4242;

  /** The scenario, from {@link #main} in a child JVM or in this one. */
  static Simulation.Result run(long seed) {
    Simulation sim = new Simulation(Simulation.Options.of(seed, 4, AppendOnlyService::new, AppendOnlyService.workload())
        .withFaults(new NetworkFaults(0.02, 0.02, 1, 10)).withLoad(6, 40));
    sim.crash(0, 300, Long.MAX_VALUE / 2);
    // timers come due while replica 2 is paused: the protocol lane holds them back until it resumes
    sim.pause(2, 150, 700);
    return sim.run();
  }

  public static void main(String[] args) {
    Simulation.Result r = run(Long.parseLong(args[0]));
    System.out.println("trace=" + r.traceDigest() + " ticks=" + r.ticks() + " views=" + java.util.Arrays.toString(r.views()));
  }

  private static String inChildJvm(String... jvmFlags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmFlags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrossJvmReplayTest.class.getName(),
        String.valueOf(SEED)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out;
      try (var in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("child JVM finished").isTrue();
      assertThat(p.exitValue()).as("child JVM exit; it printed:\n%s", out).isZero();
      return out.lines().filter(l -> l.startsWith("trace=")).findFirst()
          .orElseThrow(() -> new AssertionError("no trace line from the child JVM:\n" + out));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aSeedReplaysTheSameTraceInOtherJvmsWhateverTheirHashCodes() throws Exception {
    System.out.println("[sim] cross-JVM replay seed=" + SEED);
    Simulation.Result here = run(SEED);
    assertThat(here.allCompleted()).as("the scenario finishes").isTrue();
    assertThat(java.util.Arrays.stream(here.views()).max().orElseThrow()).as("the crashed primary was replaced")
        .isPositive();
    String expected = "trace=" + here.traceDigest() + " ticks=" + here.ticks() + " views="
        + java.util.Arrays.toString(here.views());
    assertThat(inChildJvm()).isEqualTo(expected);
    // Every identity hash code 1: HashMaps and HashSets keyed by identity iterate in insertion order.
    assertThat(inChildJvm("-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=2")).isEqualTo(expected);
  }
}
