package dev.bft.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random but seeded plan of faults for one run: up to f victim replicas crash and restart, are
 * paused, or are partitioned away, any number of times before {@code horizon}; the network is
 * lossy until then. After the horizon every fault heals and the network turns reliable, so the
 * liveness invariant (every pending request completes) can be checked.
 */
public record FaultSchedule(long horizon, NetworkFaults before, List<String> description, List<Fault> faults) {

  /** One scheduled fault against one replica, in [from, until). */
  public record Fault(String kind, int replica, long from, long until) {}

  public static FaultSchedule random(long seed, int replicas, long horizon) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int f = (replicas - 1) / 3;
    NetworkFaults network = new NetworkFaults(random.nextDouble() * 0.05, random.nextDouble() * 0.05, 1,
        1 + random.nextLong(30));
    List<Fault> faults = new ArrayList<>();
    int victims = random.nextInt(f + 1);
    List<Integer> pool = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      pool.add(i);
    }
    for (int v = 0; v < victims; v++) {
      int replica = pool.remove(random.nextInt(pool.size()));
      long t = random.nextLong(horizon / 4);
      while (t < horizon) {
        long until = Math.min(horizon, t + 50 + random.nextLong(horizon / 3));
        String kind = switch (random.nextInt(3)) {
          case 0 -> "crash";
          case 1 -> "pause";
          default -> "isolate";
        };
        faults.add(new Fault(kind, replica, t, until));
        t = until + 1 + random.nextLong(horizon / 3);
      }
    }
    List<String> text = new ArrayList<>();
    text.add("network until " + horizon + ": " + network);
    faults.forEach(x -> text.add(x.kind() + " replica " + x.replica() + " during [" + x.from() + ", " + x.until() + ")"));
    return new FaultSchedule(horizon, network, text, faults);
  }

  /** Installs the schedule into a simulation built with {@link #before()} as its network faults. */
  public void applyTo(Simulation sim) {
    for (Fault x : faults) {
      switch (x.kind()) {
        case "crash" -> sim.crash(x.replica(), x.from(), x.until());
        case "pause" -> sim.pause(x.replica(), x.from(), x.until());
        default -> sim.isolate(x.replica(), x.from(), x.until());
      }
    }
    sim.healNetworkAt(horizon, new NetworkFaults(0, 0, 1, 10));
  }

  @Override
  public String toString() {
    return String.join("\n    ", description);
  }
}
