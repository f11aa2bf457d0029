package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.Values;
import dev.bft.core.agreement.VectorProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Plays interactive consistency against every behaviour a set of traitors can have, like
 * {@link TraitorEnumerator} does for one OM(m): each message a traitor is expected to send (its own
 * value to each process, and each relay) may carry "attack", "retreat" or be withheld, and every
 * loyal process's private value ranges over both. {@link #exhaustive} tries every combination
 * (feasible for m = 1 and n up to 4, where what a traitor is expected to send does not depend on its
 * own choices); {@link #sample} draws random ones with a seed.
 */
public final class VectorEnumerator {
  private static final String[] CHOICES = {Values.ATTACK, Values.RETREAT, null};
  private static final long LIMIT = 5_000_000;

  /** How many runs were made and the violations found (the first few, described). */
  public record Summary(int n, int m, int traitorCount, long runs, long violations, List<String> counterexamples) {
    public boolean holds() {
      return violations == 0;
    }

    @Override
    public String toString() {
      return "interactive consistency (OM(" + m + ") per entry) with n=" + n + ", " + traitorCount + " traitor(s): "
          + runs + " runs, " + (violations == 0 ? "agreement and validity held in every run"
          : violations + " violated agreement or validity");
    }
  }

  private VectorEnumerator() {}

  /** Every set of traitors, every script of theirs, every private value of every loyal process. */
  public static Summary exhaustive(int n, int m, int traitorCount) {
    long runs = 0;
    long violations = 0;
    List<String> examples = new ArrayList<>();
    for (Set<Integer> traitors : TraitorEnumerator.subsets(n, traitorCount)) {
      for (List<String> values : loyalValueChoices(n, traitors)) {
        int[] lengths = dryRunLengths(m, values, traitors);
        int total = Arrays.stream(lengths).sum();
        double combinations = Math.pow(CHOICES.length, total);
        if (combinations > LIMIT) {
          throw new IllegalArgumentException("n=" + n + ", m=" + m + ": " + (long) combinations
              + " traitor behaviours are too many to enumerate; use a random sample");
        }
        for (long code = 0; code < (long) combinations; code++) {
          VectorGenerals.Outcome o = scripted(m, values, traitors, TraitorEnumerator.digits(code, total, CHOICES.length), lengths);
          runs++;
          if (!o.consistency().holds()) {
            violations++;
            if (examples.size() < 3) {
              examples.add(describe(values, traitors, o));
            }
          }
        }
      }
    }
    return new Summary(n, m, traitorCount, runs, violations, examples);
  }

  /** {@code samples} random behaviours of random traitor sets of the given size, with random values. */
  public static Summary sample(int n, int m, int traitorCount, int samples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Set<Integer>> sets = TraitorEnumerator.subsets(n, traitorCount);
    long violations = 0;
    List<String> examples = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      Set<Integer> traitors = sets.get(random.nextInt(sets.size()));
      List<String> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(random.nextBoolean() ? Values.ATTACK : Values.RETREAT);
      }
      long scriptSeed = random.nextLong();
      VectorGenerals.Outcome o = VectorGenerals.run(m, values, traitors, id -> {
        SplittableRandom r = new SplittableRandom(scriptSeed ^ id);
        return new ScriptedTraitor(id, new VectorProcess(id, n, m, values.get(id)),
            k -> CHOICES[r.nextInt(CHOICES.length)]);
      });
      if (!o.consistency().holds()) {
        violations++;
        if (examples.size() < 3) {
          examples.add(describe(values, traitors, o));
        }
      }
    }
    return new Summary(n, m, traitorCount, samples, violations, examples);
  }

  /** Both values for every loyal process; a traitor's own value is whatever its script says. */
  private static List<List<String>> loyalValueChoices(int n, Set<Integer> traitors) {
    List<Integer> loyal = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!traitors.contains(i)) {
        loyal.add(i);
      }
    }
    List<List<String>> out = new ArrayList<>();
    for (int mask = 0; mask < 1 << loyal.size(); mask++) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(Values.ATTACK);
      }
      for (int k = 0; k < loyal.size(); k++) {
        values.set(loyal.get(k), (mask >> k & 1) == 1 ? Values.RETREAT : Values.ATTACK);
      }
      out.add(values);
    }
    return out;
  }

  private static VectorGenerals.Outcome scripted(int m, List<String> values, Set<Integer> traitors, int[] choices,
                                                 int[] lengths) {
    int n = values.size();
    List<Integer> ids = new ArrayList<>(traitors);
    return VectorGenerals.run(m, values, traitors, id -> {
      int base = 0;
      for (int k = 0; k < ids.indexOf(id); k++) {
        base += lengths[k];
      }
      int from = base;
      int length = lengths[ids.indexOf(id)];
      return new ScriptedTraitor(id, new VectorProcess(id, n, m, values.get(id)),
          k -> k < length ? CHOICES[choices[from + k]] : null);
    });
  }

  /** How many messages each traitor is expected to send when it follows the protocol. */
  private static int[] dryRunLengths(int m, List<String> values, Set<Integer> traitors) {
    int n = values.size();
    List<Integer> ids = new ArrayList<>(traitors);
    ScriptedTraitor[] probes = new ScriptedTraitor[ids.size()];
    VectorGenerals.run(m, values, traitors, id -> {
      ScriptedTraitor t = new ScriptedTraitor(id, new VectorProcess(id, n, m, values.get(id)), k -> Values.ATTACK);
      probes[ids.indexOf(id)] = t;
      return (General<OralMessage>) t;
    });
    return Arrays.stream(probes).mapToInt(ScriptedTraitor::messagesScripted).toArray();
  }

  static String describe(List<String> values, Set<Integer> traitors, VectorGenerals.Outcome o) {
    List<String> shown = new ArrayList<>(values);
    traitors.forEach(t -> shown.set(t, "traitor"));
    StringBuilder b = new StringBuilder("values " + shown + "; what the traitor(s) sent:");
    for (int r = 0; r < o.run().rounds().size(); r++) {
      for (OralMessage msg : o.run().rounds().get(r)) {
        if (traitors.contains(msg.from())) {
          b.append("\n    round ").append(r).append(": ").append(msg.describe());
        }
      }
    }
    b.append("\n    ").append(o.consistency().explanation());
    return b.toString();
  }
}
