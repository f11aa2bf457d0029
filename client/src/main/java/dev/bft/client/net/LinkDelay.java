package dev.bft.client.net;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The delay one direction of a link adds: {@code oneWay} give or take up to {@code jitter}, drawn
 * uniformly (as netem's {@code delay 20ms 5ms}). A round trip crosses two directions, so a link of
 * round trip {@code rtt} delays each direction by {@code rtt / 2}.
 */
public record LinkDelay(Duration oneWay, Duration jitter) {
  /** Longer than any wide-area round trip; anything above is a typo (40s for 40ms). */
  static final Duration MOST = Duration.ofSeconds(10);
  public static final LinkDelay NONE = new LinkDelay(Duration.ZERO, Duration.ZERO);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,6})?)(us|ms|s)");

  public LinkDelay {
    if (oneWay.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("a link delay of " + oneWay.toMillis() + " ms, jitter " + jitter.toMillis()
          + " ms: neither may be negative");
    }
    if (oneWay.compareTo(MOST) > 0) {
      throw new IllegalArgumentException("a one-way delay of " + oneWay.toMillis() + " ms is more than " + MOST.toMillis() + " ms");
    }
    // Jitter past the delay would have to be clipped at zero, skewing the mean the caller asked for.
    if (jitter.compareTo(oneWay) > 0) {
      throw new IllegalArgumentException("jitter " + millis(jitter) + " is more than the one-way delay " + millis(oneWay)
          + " it varies (a round trip of R has a one-way delay of R/2)");
    }
  }

  /** Each direction of a link of round trip {@code rtt} is delayed by half of it, give or take {@code jitter}. */
  public static LinkDelay ofRoundTrip(Duration rtt, Duration jitter) {
    return new LinkDelay(rtt.dividedBy(2), jitter);
  }

  /** As {@code --rtt 40ms --jitter 5ms} on a command line; a bad value is a one-line error naming its option. */
  public static LinkDelay parseRoundTrip(String rtt, String jitter) {
    Duration r = parse("--rtt", rtt);
    Duration j = parse("--jitter", jitter);
    if (r.compareTo(MOST.multipliedBy(2)) > 0) {
      throw new IllegalArgumentException("--rtt " + rtt + " is more than " + MOST.multipliedBy(2).toSeconds() + " s");
    }
    if (j.compareTo(r.dividedBy(2)) > 0) {
      throw new IllegalArgumentException("--jitter " + jitter + " is more than half of --rtt " + rtt
          + " (each direction is delayed by half the round trip, give or take the jitter)");
    }
    return ofRoundTrip(r, j);
  }

  /** {@code 0}, or a number with a unit: {@code 40ms}, {@code 0.1s}, {@code 500us}. */
  public static Duration parse(String option, String text) {
    String t = text == null ? "" : text.strip();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " '" + text + "': expected a duration of at least 0 such as 40ms, 0.1s or 0");
    }
    double perUnit = switch (m.group(2)) {
      case "us" -> 1e3;
      case "ms" -> 1e6;
      default -> 1e9;
    };
    return Duration.ofNanos(Math.round(Double.parseDouble(m.group(1)) * perUnit));
  }

  public boolean isNone() {
    return oneWay.isZero() && jitter.isZero();
  }

  /** One draw of this direction's delay, in nanoseconds, never negative. */
  long sampleNanos(Random random) {
    long base = oneWay.toNanos();
    long spread = jitter.toNanos();
    return spread == 0 ? base : Math.max(0, base + (long) ((random.nextDouble() * 2 - 1) * spread));
  }

  /** The round trip this delay gives a link, as {@code 40 ms ± 5 ms} per direction would read. */
  public String describe() {
    return "round trip " + millis(oneWay.multipliedBy(2)) + (jitter.isZero() ? "" : ", each direction ± " + millis(jitter));
  }

  private static String millis(Duration d) {
    double ms = d.toNanos() / 1e6;
    return (ms == Math.rint(ms) ? String.valueOf((long) ms) : String.valueOf(ms)) + " ms";
  }
}
