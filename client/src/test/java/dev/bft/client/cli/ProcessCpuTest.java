package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CPU per operation, the figure {@code bft bench} prints beside throughput. */
class ProcessCpuTest {
  @Test
  void sumsTheProcessesAndDividesByTheOperationsOfTheWindow() {
    // Two processes, 2 s of wall time: 1.5 s + 0.5 s of CPU = 1 core, at 500 ops/s = 2 ms per operation.
    ProcessCpu.Reading from = new ProcessCpu.Reading(0, new long[] {1_000_000_000L, 0});
    ProcessCpu.Reading to = new ProcessCpu.Reading(2_000_000_000L, new long[] {2_500_000_000L, 500_000_000L});
    assertThat(ProcessCpu.millisPerOperation(from, to, 500)).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void aMissingReadingOrAnEmptyWindowGivesNoFigure() {
    ProcessCpu.Reading from = new ProcessCpu.Reading(0, new long[] {-1});
    ProcessCpu.Reading to = new ProcessCpu.Reading(1_000_000_000L, new long[] {5});
    assertThat(ProcessCpu.millisPerOperation(from, to, 100)).isNaN();
    ProcessCpu.Reading same = new ProcessCpu.Reading(7, new long[] {0});
    assertThat(ProcessCpu.millisPerOperation(same, same, 100)).isNaN();
  }

  @Test
  void readsTheCpuThisProcessSpends() {
    ProcessCpu cpu = new ProcessCpu(List.of(ProcessHandle.current()));
    ProcessCpu.Reading before = cpu.read();
    assertThat(before.cpuNanos()[0]).isNotNegative();
    // Spin until the accounting (10 ms ticks) shows 50 ms more, or give up after 20 s of wall time.
    long sink = 0;
    long end = System.nanoTime() + 20_000_000_000L;
    ProcessCpu.Reading after = before;
    while (after.cpuNanos()[0] - before.cpuNanos()[0] < 50_000_000L && System.nanoTime() < end) {
      for (int i = 0; i < 1_000_000; i++) {
        sink += Long.numberOfTrailingZeros(sink + i);
      }
      after = cpu.read();
    }
    assertThat(sink).isNotNegative();
    assertThat(after.cpuNanos()[0] - before.cpuNanos()[0]).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(after.wallNanos()).isGreaterThan(before.wallNanos());
  }
}
