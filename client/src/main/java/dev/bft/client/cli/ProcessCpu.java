package dev.bft.client.cli;

import java.time.Duration;
import java.util.List;

/**
 * CPU time of processes over a measurement, from the operating system's accounting (user +
 * system). On a machine shared with other work, throughput moves with what the neighbours do, but
 * the CPU an operation costs moves much less: it is the figure to compare two builds by, and the
 * one the crypto bound is about (the bound is the machine's cores divided by what an operation
 * must cost).
 */
final class ProcessCpu {
  /** CPU used so far by each process (nanoseconds; -1 where the system does not say), at {@code wallNanos}. */
  record Reading(long wallNanos, long[] cpuNanos) {}

  private final List<ProcessHandle> processes;

  ProcessCpu(List<ProcessHandle> processes) {
    this.processes = List.copyOf(processes);
  }

  Reading read() {
    long[] cpu = new long[processes.size()];
    for (int i = 0; i < cpu.length; i++) {
      cpu[i] = processes.get(i).info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
    return new Reading(System.nanoTime(), cpu);
  }

  /**
   * Milliseconds of CPU per operation that all the processes spent together between
   * {@code from} and {@code to}, at {@code opsPerSecond} over that time; NaN if a reading is missing.
   */
  static double millisPerOperation(Reading from, Reading to, double opsPerSecond) {
    double seconds = (to.wallNanos() - from.wallNanos()) / 1e9;
    if (seconds <= 0 || opsPerSecond <= 0) {
      return Double.NaN;
    }
    long cpu = 0;
    for (int i = 0; i < from.cpuNanos().length; i++) {
      if (from.cpuNanos()[i] < 0 || to.cpuNanos()[i] < 0) {
        return Double.NaN;
      }
      cpu += to.cpuNanos()[i] - from.cpuNanos()[i];
    }
    return cpu / 1e6 / seconds / opsPerSecond;
  }
}
