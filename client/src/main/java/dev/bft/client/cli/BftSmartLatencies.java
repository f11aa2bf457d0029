package dev.bft.client.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What BFT-SMaRt's ThroughputLatencyClient writes to {@code latencies_<first client id>.txt}: one
 * line per completed request, {@code <client id> TAB <completion time, epoch ms> TAB <latency, ns>},
 * from its first request on (its own warm-up half included). The harness counts its window from
 * these completions: the warm-up starts at the first completion in the file, the window follows it.
 */
final class BftSmartLatencies {
  /** One completed request. */
  record Completion(int client, long atMillis, long latencyNanos) {}

  private final List<Completion> completions;
  private final long firstMillis;
  private final long lastMillis;

  private BftSmartLatencies(List<Completion> completions) {
    this.completions = List.copyOf(completions);
    this.firstMillis = completions.stream().mapToLong(Completion::atMillis).min().orElse(Long.MAX_VALUE);
    this.lastMillis = completions.stream().mapToLong(Completion::atMillis).max().orElse(Long.MIN_VALUE);
  }

  /**
   * Parses the file's text. The client is stopped by a kill, so its last line may be cut short: a
   * last line without its newline is dropped. Any other line that is not three numbers fails,
   * naming {@code source} and the line.
   */
  static BftSmartLatencies parse(String text, String source) {
    List<Completion> all = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    // split leaves "" after a final newline, or the unterminated rest of a cut-short last line
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\\s+");
      try {
        if (fields.length != 3) {
          throw new NumberFormatException();
        }
        long latency = Long.parseLong(fields[2]);
        if (latency < 0) {
          throw new NumberFormatException();
        }
        all.add(new Completion(Integer.parseInt(fields[0]), Long.parseLong(fields[1]), latency));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": '" + abbreviate(line)
            + "' is not <client id> <completion time ms> <latency ns>");
      }
    }
    return new BftSmartLatencies(all);
  }

  private static String abbreviate(String line) {
    return line.length() <= 60 ? line : line.substring(0, 60) + "...";
  }

  int size() {
    return completions.size();
  }

  /** The first completion's time (epoch ms): where the warm-up starts. */
  long firstMillis() {
    if (completions.isEmpty()) {
      throw new IllegalStateException("no completed request in BFT-SMaRt's latencies file");
    }
    return firstMillis;
  }

  /** How many requests completed at {@code from <= time < to} (epoch ms). */
  long completedBetween(long fromMillis, long toMillis) {
    return completions.stream().filter(c -> c.atMillis() >= fromMillis && c.atMillis() < toMillis).count();
  }

  /**
   * The requests that completed in {@code window} after {@code warmup}, counted from the first
   * completion, as a result like our load's: throughput over the window, latencies sorted. Fails if
   * the file ends before the window does (the client stopped early or was stopped too soon): a
   * window cut short would overstate nothing but measure less than it says.
   */
  LoadRun.Result window(int clients, Duration warmup, Duration window) {
    long from = firstMillis() + warmup.toMillis();
    long to = from + window.toMillis();
    if (lastMillis < to) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "BFT-SMaRt's completions end %.1f s after its first one, before the window's end at %.1f s "
              + "(%s warm-up + %s window): its client stopped early", (lastMillis - firstMillis) / 1e3,
          (to - firstMillis) / 1e3, warmup, window));
    }
    long[] latencies = completions.stream().filter(c -> c.atMillis() >= from && c.atMillis() < to)
        .mapToLong(Completion::latencyNanos).sorted().toArray();
    return new LoadRun.Result(clients, latencies, window.toMillis() / 1e3, warmup.toMillis() / 1e3);
  }
}
