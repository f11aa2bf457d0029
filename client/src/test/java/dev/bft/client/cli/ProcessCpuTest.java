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
    long sink = 0;
    long end = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < end) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    ProcessCpu.Reading after = cpu.read();
    assertThat(sink).isNotNegative();
    assertThat(before.cpuNanos()[0]).isNotNegative();
    // 300 ms of spinning is at least 100 ms of CPU even on a busy machine (the accounting ticks at 10 ms).
    assertThat(after.cpuNanos()[0] - before.cpuNanos()[0]).isGreaterThan(100_000_000L);
  }
}
