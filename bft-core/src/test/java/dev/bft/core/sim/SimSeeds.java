package dev.bft.core.sim;

import java.util.stream.LongStream;

/**
 * The seeds a simulation test runs: {@code -Dsim.seed=N} replays exactly one, {@code -Dsim.seeds=N}
 * runs N consecutive seeds from a fixed base (the campaign), otherwise the test's own default count.
 */
public final class SimSeeds {
  private SimSeeds() {}

  public static LongStream seeds(long base, int defaultCount) {
    String one = System.getProperty("sim.seed");
    if (one != null && !one.isBlank()) {
      return LongStream.of(Long.parseLong(one.trim()));
    }
    String many = System.getProperty("sim.seeds");
    int count = many != null && !many.isBlank() ? Integer.parseInt(many.trim()) : defaultCount;
    return LongStream.range(base, base + count);
  }

  /** Runs one seed, printing it first so any failure names the seed that replays it. */
  public static Simulation.Result runPrinting(String name, Simulation.Options options) {
    System.out.println("[sim] " + name + " seed=" + options.seed() + " (replay: -Dsim.seed=" + options.seed() + ")");
    return new Simulation(options).run();
  }
}
