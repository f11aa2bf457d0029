package dev.bft.client.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Which faults a nemesis run injects, on which replicas, and when: a pure function of the seed and
 * the run's shape, so that {@code --seed N} replays the same schedule. Within f, at most f replicas
 * are faulty at any moment (a fault counts from its injection to its heal) and a replica has one
 * fault at a time; with f = 1 each fault heals, and a gap passes, before the next one starts. The
 * kinds come round by round, each once per round in a random order. The first seconds and the
 * last seconds of a run are fault-free, so the cluster starts and ends serving (except beyond f,
 * where the colluders play from the start).
 */
public final class FaultSchedule {
  /** The fault kinds, as {@code --faults} names them. */
  public enum Kind {
    KILL, PAUSE, PARTITION, RESTART, WIPE, DISK_FULL, BYZANTINE, CLOCK;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind parse(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label.trim())) {
          return k;
        }
      }
      throw new IllegalArgumentException("--faults " + label + " is not a fault kind (kinds: kill, pause, partition, restart, "
          + "wipe, disk-full, byzantine, clock)");
    }
  }

  /**
   * One fault: {@code replicas} are faulty from {@code startMillis} to {@code healMillis} after the
   * run starts. {@code detail} is the Byzantine behaviour, or the clock offset in milliseconds, or empty.
   */
  public record Fault(int index, Kind kind, List<Integer> replicas, long startMillis, long healMillis, String detail) {
    @Override
    public String toString() {
      return "#" + index + " " + kind.label() + (detail.isEmpty() ? "" : "(" + detail + ")") + " on replica"
          + (replicas.size() > 1 ? "s " : " ") + replicas + " " + startMillis + "..." + healMillis + " ms";
    }
  }

  /** Behaviours a replica plays within f: each leaves the others able to agree and answer (flood and thread-failure are left out: one burns the machine's two cores, the other stops the replica for good). */
  static final List<String> BEHAVIOURS = List.of("equivocate", "lie", "wrong-replies", "replay", "silent", "slow", "selective",
      "stale-view-change", "lying-new-view", "view-lie", "forge", "skewed-timestamp", "stale-reads");
  /** What f + 1 replicas play together beyond f: the same wrong result to every client, which f + 1 matching replies make clients accept. */
  static final String BEYOND_F_BEHAVIOUR = "wrong-replies";
  static final long WARMUP_MILLIS = 5_000;
  static final long COOLDOWN_MILLIS = 5_000;

  private FaultSchedule() {}

  /**
   * The faults of a run of {@code durationMillis} on {@code n} replicas tolerating {@code f}, of the
   * given kinds. With {@code beyondF}, the first fault makes f + 1 replicas play
   * {@value #BEYOND_F_BEHAVIOUR} together (more than the protocol tolerates) and the others follow it.
   */
  public static List<Fault> plan(long seed, long durationMillis, int n, int f, List<Kind> kinds, boolean beyondF) {
    if (n != 3 * f + 1 || f < 1) {
      throw new IllegalArgumentException(n + " replicas do not tolerate f = " + f);
    }
    Random random = new Random(seed);
    List<Fault> faults = new ArrayList<>();
    long end = durationMillis - COOLDOWN_MILLIS;
    long t = WARMUP_MILLIS;
    if (beyondF) {
      List<Integer> all = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        all.add(r);
      }
      Collections.shuffle(all, random);
      List<Integer> colluders = List.copyOf(all.subList(0, f + 1).stream().sorted().toList());
      // from the start: the colluders start playing, so no restart of f + 1 replicas eats the window
      long heal = Math.max(5_000, Math.min(30_000, durationMillis / 3));
      faults.add(new Fault(0, Kind.BYZANTINE, colluders, 0, heal, BEYOND_F_BEHAVIOUR));
      t = heal + gap(random, f, durationMillis);
    }
    if (kinds.isEmpty()) {
      return List.copyOf(faults);
    }
    List<Kind> round = new ArrayList<>();
    while (true) {
      if (round.isEmpty()) {
        // each kind once per round, in a random order: a short run still sees every kind
        round.addAll(kinds);
        Collections.shuffle(round, random);
      }
      Kind kind = round.remove(round.size() - 1);
      long length = length(kind, random, durationMillis);
      long start = t;
      // Move the start past heals until fewer than f faults are active and a replica is free.
      while (active(faults, start) >= f) {
        start = nextHeal(faults, start);
      }
      if (start + length > end) {
        break;
      }
      List<Integer> free = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        if (!busy(faults, r, start)) {
          free.add(r);
        }
      }
      int replica = free.get(random.nextInt(free.size()));
      faults.add(new Fault(faults.size(), kind, List.of(replica), start, start + length, detail(kind, random)));
      t = f == 1 ? start + length + gap(random, f, durationMillis) : start + gap(random, f, durationMillis);
    }
    return List.copyOf(faults);
  }

  /**
   * How long a fault lasts. Short enough that a minute's run fits a round of all eight kinds (at
   * most 46 s with the gaps between them, in the 50 s between warm-up and cool-down); runs of ten
   * minutes and more also get pauses of up to 20 s.
   */
  private static long length(Kind kind, Random random, long durationMillis) {
    return switch (kind) {
      // long enough for a view change when it hits the primary
      case PAUSE -> 2_500 + random.nextInt(durationMillis >= 600_000 ? 17_500 : 3_500);
      case RESTART -> 500 + random.nextInt(1_000);
      default -> 2_000 + random.nextInt(1_500);
    };
  }

  /**
   * Time between faults: enough for a restarted or wiped replica to catch up before the next fault
   * needs it. A minute's run packs its round of kinds closely and slips while restarted replicas come
   * up; runs of ten minutes and more leave 5 to 15 s after a heal, which covers a replica's restart
   * and catch-up, so that a run of an hour takes about an hour and still sees hundreds of faults.
   * With f above 1 the gap runs from the previous start, divided by f so that faults overlap.
   */
  private static long gap(Random random, int f, long durationMillis) {
    if (durationMillis >= 600_000) {
      return (5_000 + random.nextInt(10_000)) / f;
    }
    return (f == 1 ? 1_500 : 1_000) + random.nextInt(1_000);
  }

  private static String detail(Kind kind, Random random) {
    return switch (kind) {
      case BYZANTINE -> BEHAVIOURS.get(random.nextInt(BEHAVIOURS.size()));
      case CLOCK -> String.valueOf((random.nextBoolean() ? 1 : -1) * (500 + random.nextInt(60_000)));
      default -> "";
    };
  }

  static int active(List<Fault> faults, long at) {
    int count = 0;
    for (Fault fault : faults) {
      if (fault.startMillis() <= at && at < fault.healMillis()) {
        count += fault.replicas().size();
      }
    }
    return count;
  }

  private static boolean busy(List<Fault> faults, int replica, long at) {
    return faults.stream().anyMatch(x -> x.replicas().contains(replica) && x.startMillis() <= at && at < x.healMillis());
  }

  private static long nextHeal(List<Fault> faults, long at) {
    return faults.stream().filter(x -> x.startMillis() <= at && at < x.healMillis()).mapToLong(Fault::healMillis).min()
        .orElseThrow();
  }
}
