package dev.bft.core.agreement;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The two conditions of the Byzantine generals problem, checked on the decisions of the loyal
 * lieutenants. IC1: they all decide the same value. IC2: if the commander is loyal, they decide
 * its value.
 */
public record InteractiveConsistency(boolean ic1, boolean ic2, String explanation) {
  public boolean holds() {
    return ic1 && ic2;
  }

  public static InteractiveConsistency check(Map<Integer, String> decisions, Set<Integer> loyalLieutenants,
                                             boolean commanderLoyal, String commanderValue) {
    Map<Integer, String> loyal = new TreeMap<>();
    for (int id : loyalLieutenants) {
      loyal.put(id, decisions.get(id));
    }
    boolean ic1 = loyal.values().stream().distinct().count() <= 1;
    boolean ic2 = !commanderLoyal || loyal.values().stream().allMatch(commanderValue::equals);
    String explanation = "loyal lieutenants decided " + loyal
        + (ic1 ? "; IC1 holds" : "; IC1 VIOLATED: they disagree")
        + (!commanderLoyal ? "; IC2 does not apply (traitor commander)"
            : ic2 ? "; IC2 holds" : "; IC2 VIOLATED: the loyal commander said " + commanderValue);
    return new InteractiveConsistency(ic1, ic2, explanation);
  }
}
