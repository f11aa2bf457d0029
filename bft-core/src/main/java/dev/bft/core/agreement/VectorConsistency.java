package dev.bft.core.agreement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The two conditions of interactive consistency, checked on the loyal processes' final vectors.
 * Agreement: every loyal process holds the same vector (so they agree on the traitors' entries too,
 * whatever those are). Validity: at a loyal process's index, every loyal vector holds its true value.
 */
public record VectorConsistency(boolean agreement, boolean validity, String explanation) {
  public boolean holds() {
    return agreement && validity;
  }

  /**
   * @param vectors each loyal process's final vector (a missing one counts as a violation)
   * @param values  every process's private value (a traitor's is not checked)
   */
  public static VectorConsistency check(Map<Integer, List<String>> vectors, List<String> values, Set<Integer> traitors) {
    Map<Integer, List<String>> loyal = new TreeMap<>();
    for (int p = 0; p < values.size(); p++) {
      if (!traitors.contains(p)) {
        loyal.put(p, vectors.get(p));
      }
    }
    boolean agreement = !loyal.containsValue(null) && loyal.values().stream().distinct().count() <= 1;
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<Integer, List<String>> e : loyal.entrySet()) {
      for (int q : loyal.keySet()) {
        String held = e.getValue() == null ? null : e.getValue().get(q);
        if (!values.get(q).equals(held)) {
          wrong.add("process " + e.getKey() + " holds " + held + " for loyal process " + q + ", whose value is "
              + values.get(q));
        }
      }
    }
    boolean validity = wrong.isEmpty();
    StringBuilder b = new StringBuilder("loyal vectors ").append(loyal);
    b.append(agreement ? "; agreement holds" : "; AGREEMENT VIOLATED: loyal processes hold different vectors");
    b.append(validity ? "; validity holds" : "; VALIDITY VIOLATED: " + String.join(", ", wrong));
    return new VectorConsistency(agreement, validity, b.toString());
  }
}
