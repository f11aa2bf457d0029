package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.RoundNetwork;
import dev.bft.core.agreement.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Plays OM(m) against every behaviour a set of traitors can have: each message a traitor is
 * expected to send may carry "attack", "retreat" or be withheld. {@link #exhaustive} tries every
 * combination for every choice of traitors and both commander values (feasible for small n and
 * m = 1, where a traitor's expected messages do not depend on its own earlier choices);
 * {@link #sample} draws random behaviours with a seed for larger cases.
 */
public final class TraitorEnumerator {
  private static final String[] CHOICES = {Values.ATTACK, Values.RETREAT, null};

  /** How many runs were made and the violations found (the first few, described). */
  public record Summary(int n, int m, int traitorCount, long runs, long violations, List<String> counterexamples) {
    public boolean holds() {
      return violations == 0;
    }

    @Override
    public String toString() {
      return "OM(" + m + ") with n=" + n + ", " + traitorCount + " traitor(s): " + runs + " runs, "
          + (violations == 0 ? "IC1 and IC2 held in every run" : violations + " violated IC1 or IC2");
    }
  }

  private TraitorEnumerator() {}

  /** Every set of {@code traitorCount} traitors, every script of theirs, both commander values. */
  public static Summary exhaustive(int n, int m, int traitorCount) {
    long runs = 0;
    long violations = 0;
    List<String> examples = new ArrayList<>();
    for (Set<Integer> traitors : subsets(n, traitorCount)) {
      for (String value : List.of(Values.ATTACK, Values.RETREAT)) {
        int[] lengths = dryRunLengths(n, m, value, traitors);
        int total = Arrays.stream(lengths).sum();
        long combinations = (long) Math.pow(CHOICES.length, total);
        if (combinations > 5_000_000) {
          throw new IllegalArgumentException("n=" + n + ", m=" + m + ": " + combinations
              + " traitor behaviours are too many to enumerate; use a random sample");
        }
        for (long code = 0; code < combinations; code++) {
          int[] choices = digits(code, total, CHOICES.length);
          Generals.Outcome<OralMessage> o = run(n, m, value, traitors, choices, lengths);
          runs++;
          if (!o.ic().holds()) {
            violations++;
            if (examples.size() < 3) {
              examples.add(describe(traitors, value, o));
            }
          }
        }
      }
    }
    return new Summary(n, m, traitorCount, runs, violations, examples);
  }

  /** {@code samples} random behaviours of random traitor sets of the given size. */
  public static Summary sample(int n, int m, int traitorCount, int samples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Set<Integer>> sets = subsets(n, traitorCount);
    long violations = 0;
    List<String> examples = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      Set<Integer> traitors = sets.get(random.nextInt(sets.size()));
      String value = random.nextBoolean() ? Values.ATTACK : Values.RETREAT;
      long scriptSeed = random.nextLong();
      Generals.Outcome<OralMessage> o = Generals.oral(n, m, value, traitors, id -> {
        SplittableRandom r = new SplittableRandom(scriptSeed ^ id);
        return new ScriptedTraitor(id, n, m, 0, k -> CHOICES[r.nextInt(CHOICES.length)]);
      }, RoundNetwork.RELIABLE);
      if (!o.ic().holds()) {
        violations++;
        if (examples.size() < 3) {
          examples.add(describe(traitors, value, o));
        }
      }
    }
    return new Summary(n, m, traitorCount, samples, violations, examples);
  }

  private static Generals.Outcome<OralMessage> run(int n, int m, String value, Set<Integer> traitors, int[] choices,
                                                   int[] lengths) {
    List<Integer> ids = new ArrayList<>(traitors);
    return Generals.oral(n, m, value, traitors, id -> {
      int offset = 0;
      for (int k = 0; k < ids.indexOf(id); k++) {
        offset += lengths[k];
      }
      int base = offset;
      int length = lengths[ids.indexOf(id)];
      return new ScriptedTraitor(id, n, m, 0, k -> k < length ? CHOICES[choices[base + k]] : null);
    }, RoundNetwork.RELIABLE);
  }

  /** How many messages each traitor is expected to send when it follows the protocol. */
  private static int[] dryRunLengths(int n, int m, String value, Set<Integer> traitors) {
    List<Integer> ids = new ArrayList<>(traitors);
    ScriptedTraitor[] probes = new ScriptedTraitor[ids.size()];
    Generals.oral(n, m, value, traitors, id -> {
      ScriptedTraitor t = new ScriptedTraitor(id, n, m, 0, k -> value);
      probes[ids.indexOf(id)] = t;
      return t;
    }, RoundNetwork.RELIABLE);
    return Arrays.stream(probes).mapToInt(ScriptedTraitor::messagesScripted).toArray();
  }

  /** {@code code} as {@code length} digits in base {@code base}, least significant first: one traitor script. */
  static int[] digits(long code, int length, int base) {
    int[] d = new int[length];
    for (int i = 0; i < length; i++) {
      d[i] = (int) (code % base);
      code /= base;
    }
    return d;
  }

  static List<Set<Integer>> subsets(int n, int size) {
    List<Set<Integer>> out = new ArrayList<>();
    collect(n, size, 0, new TreeSet<>(), out);
    return out;
  }

  private static void collect(int n, int size, int from, TreeSet<Integer> current, List<Set<Integer>> out) {
    if (current.size() == size) {
      out.add(new TreeSet<>(current));
      return;
    }
    for (int i = from; i < n; i++) {
      current.add(i);
      collect(n, size, i + 1, current, out);
      current.remove(i);
    }
  }

  static String describe(Set<Integer> traitors, String value, Generals.Outcome<OralMessage> o) {
    StringBuilder b = new StringBuilder("traitors " + traitors + ", commander value " + value + ":");
    for (int r = 0; r < o.run().rounds().size(); r++) {
      for (OralMessage msg : o.run().rounds().get(r)) {
        b.append("\n    round ").append(r).append(": ").append(msg.describe());
      }
    }
    b.append("\n    ").append(o.ic().explanation());
    return b.toString();
  }
}
