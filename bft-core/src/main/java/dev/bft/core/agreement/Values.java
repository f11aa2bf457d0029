package dev.bft.core.agreement;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Values and the decision rules. The default value, used when a message is missing and when there
 * is no majority, is {@value #DEFAULT}: when in doubt, do nothing irreversible.
 */
public final class Values {
  public static final String ATTACK = "attack";
  public static final String RETREAT = "retreat";
  public static final String DEFAULT = RETREAT;

  private Values() {}

  /** The value held by a strict majority, or {@link #DEFAULT}. */
  public static String majority(Collection<String> values) {
    Map<String, Integer> counts = new HashMap<>();
    for (String v : values) {
      counts.merge(v, 1, Integer::sum);
    }
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() * 2 > values.size()) {
        return e.getKey();
      }
    }
    return DEFAULT;
  }
}
