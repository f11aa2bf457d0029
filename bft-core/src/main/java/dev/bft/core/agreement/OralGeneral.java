package dev.bft.core.agreement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A loyal general of OM(m). The commander sends its value in round 0. In round r (1..m) a
 * lieutenant relays every value it received in round r - 1 to every lieutenant not yet on that
 * value's path. After round m it decides by the recursive majority of Lamport et al.: for a path p,
 * v(p) is the majority of the value received along p and of v(p:j) for each other lieutenant j.
 */
public final class OralGeneral implements General<OralMessage> {
  private final int id;
  private final int n;
  private final int m;
  private final int commander;
  private final String commanderValue;
  private final Map<List<Integer>, String> received = new HashMap<>();

  private OralGeneral(int id, int n, int m, int commander, String commanderValue) {
    this.id = id;
    this.n = n;
    this.m = m;
    this.commander = commander;
    this.commanderValue = commanderValue;
  }

  public static OralGeneral commander(int id, int n, int m, String value) {
    return new OralGeneral(id, n, m, id, value);
  }

  public static OralGeneral lieutenant(int id, int n, int m, int commander) {
    return new OralGeneral(id, n, m, commander, null);
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<OralMessage> round(int round, List<OralMessage> inbox) {
    List<OralMessage> out = new ArrayList<>();
    if (id == commander) {
      if (round == 0) {
        for (int j = 0; j < n; j++) {
          if (j != id) {
            out.add(new OralMessage(List.of(id), commanderValue, j));
          }
        }
      }
      return out;
    }
    for (OralMessage msg : inbox) {
      // Only well-formed messages of the previous round count: a path of length `round`, starting
      // at the commander, without repeats, not through this general, ending at its sender.
      if (msg.to() == id && msg.path().size() == round && wellFormed(msg.path())) {
        received.putIfAbsent(msg.path(), msg.value());
      }
    }
    if (round >= 1 && round <= m) {
      for (Map.Entry<List<Integer>, String> e : received.entrySet()) {
        if (e.getKey().size() != round) {
          continue;
        }
        List<Integer> path = new ArrayList<>(e.getKey());
        path.add(id);
        for (int j = 0; j < n; j++) {
          if (j != id && !path.contains(j)) {
            out.add(new OralMessage(path, e.getValue(), j));
          }
        }
      }
      out.sort(java.util.Comparator.comparing((OralMessage o) -> o.path().toString()).thenComparing(OralMessage::to));
    }
    return out;
  }

  private boolean wellFormed(List<Integer> path) {
    if (path.get(0) != commander || path.contains(id)) {
      return false;
    }
    return path.stream().distinct().count() == path.size() && path.stream().allMatch(g -> g >= 0 && g < n);
  }

  @Override
  public String decision() {
    return id == commander ? null : value(List.of(commander));
  }

  /** v(p): what this lieutenant concludes the last general of p was told along p. */
  private String value(List<Integer> path) {
    String direct = received.getOrDefault(path, Values.DEFAULT);
    if (path.size() == m + 1) {
      return direct;
    }
    List<String> votes = new ArrayList<>();
    votes.add(direct);
    for (int j = 0; j < n; j++) {
      if (j != id && !path.contains(j)) {
        List<Integer> longer = new ArrayList<>(path);
        longer.add(j);
        votes.add(value(longer));
      }
    }
    return Values.majority(votes);
  }
}
