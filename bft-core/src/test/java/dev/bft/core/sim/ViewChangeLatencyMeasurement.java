package dev.bft.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * View-change latency in the simulator: the primary is killed at tick 500 under steady load, and
 * the latency is the time until the first batch executes in a later view. Reported in ticks and in
 * units of the view-change timeout T. A measurement, run with -Pcampaign; see docs/benchmarks.md.
 */
class ViewChangeLatencyMeasurement {
  static final long CRASH_AT = 500;

  @Test
  @Tag("campaign")
  void measure() {
    int seeds = Integer.getInteger("sim.seeds", 200);
    System.out.println("[vc-latency] n, runs, p50, p90, max (ticks; T = 400 ticks, network delay 1-10 ticks, 1% loss)");
    for (int n : new int[] {4, 7, 10}) {
      List<Long> latencies = new ArrayList<>();
      for (long seed = 0; seed < seeds; seed++) {
        Simulation sim = new Simulation(Simulation.Options.of(seed, n, SnapshottingKv::new, new KvWorkload(8))
            .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(8, 150));
        sim.crash(0, CRASH_AT, Long.MAX_VALUE / 2);
        long[] first = {-1};
        sim.observe(new SimObserver() {
          @Override
          public void executed(int replica, long sequence, long view, long now) {
            if (first[0] < 0 && view > 0 && now >= CRASH_AT) {
              first[0] = now;
            }
          }
        });
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).isTrue();
        assertThat(first[0]).isPositive();
        latencies.add(first[0] - CRASH_AT);
      }
      Collections.sort(latencies);
      System.out.printf("[vc-latency] n=%d, %d runs, p50 %d, p90 %d, max %d%n", n, latencies.size(),
          latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 9 / 10), latencies.get(latencies.size() - 1));
    }
  }
}
