package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.RoundRunner;
import dev.bft.core.agreement.RoundTransport;
import dev.bft.core.agreement.Values;
import dev.bft.core.agreement.VectorConsistency;
import dev.bft.core.agreement.VectorProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Sets up an interactive-consistency run: process i holds {@code values.get(i)}, those in
 * {@code traitors} are played by a traitor, the rest are loyal {@link VectorProcess}es running
 * OM(m) once per entry. Runs it and checks agreement and validity of the final vectors.
 */
public final class VectorGenerals {
  /** A run, each loyal process's final vector, and the verdict. */
  public record Outcome(RoundRunner.Run<OralMessage> run, Map<Integer, List<String>> vectors,
                        VectorConsistency consistency) {}

  private VectorGenerals() {}

  public static void validate(int n, int m, List<String> values, Set<Integer> traitors) {
    Generals.validate(n, m, traitors, false);
    if (values.size() != n) {
      throw new IllegalArgumentException("--values has " + values.size() + " value(s); there are " + n + " processes");
    }
    for (String v : values) {
      if (!v.equals(Values.ATTACK) && !v.equals(Values.RETREAT)) {
        throw new IllegalArgumentException("--values must be attack or retreat, got '" + v + "'");
      }
    }
  }

  /** attack at even ids, retreat at odd ones: distinct private values without the user naming them. */
  public static List<String> alternatingValues(int n) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(i % 2 == 0 ? Values.ATTACK : Values.RETREAT);
    }
    return values;
  }

  public static Outcome run(int m, List<String> values, Set<Integer> traitors,
                            IntFunction<General<OralMessage>> traitorFor, RoundTransport<OralMessage> transport) {
    int n = values.size();
    List<General<OralMessage>> processes = new ArrayList<>();
    Map<Integer, VectorProcess> loyal = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      if (traitors.contains(i)) {
        processes.add(traitorFor.apply(i));
      } else {
        VectorProcess p = new VectorProcess(i, n, m, values.get(i));
        loyal.put(i, p);
        processes.add(p);
      }
    }
    RoundRunner.Run<OralMessage> run = RoundRunner.run(processes, m + 1, transport);
    Map<Integer, List<String>> vectors = new TreeMap<>();
    loyal.forEach((id, p) -> vectors.put(id, p.vector()));
    return new Outcome(run, vectors, VectorConsistency.check(vectors, values, traitors));
  }

  public static Outcome run(int m, List<String> values, Set<Integer> traitors,
                            IntFunction<General<OralMessage>> traitorFor) {
    return run(m, values, traitors, traitorFor, reliable());
  }

  public static Outcome run(int m, List<String> values, Set<Integer> traitors, Generals.Strategy strategy) {
    return run(m, values, traitors, strategy, reliable());
  }

  public static Outcome run(int m, List<String> values, Set<Integer> traitors, Generals.Strategy strategy,
                            RoundTransport<OralMessage> transport) {
    int n = values.size();
    return run(m, values, traitors, id -> strategy == Generals.Strategy.SILENT ? new SilentTraitor<>(id)
        : new VectorTraitor(id, n, m, values.get(id), strategy), transport);
  }

  private static RoundTransport<OralMessage> reliable() {
    return (round, sent, count) -> {
      List<List<OralMessage>> inboxes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        inboxes.add(new ArrayList<>());
      }
      for (OralMessage msg : sent) {
        inboxes.get(msg.to()).add(msg);
      }
      return inboxes;
    };
  }
}
