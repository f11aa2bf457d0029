package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralGeneral;
import dev.bft.core.agreement.OralMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A traitor whose every message is chosen by a script: it goes through the motions of a loyal
 * general (so it knows which messages the protocol expects of it) and, for the k-th of them,
 * sends the value {@code script.apply(k)} instead, or nothing when the script says null. The
 * enumerator drives it through every possible script.
 */
public final class ScriptedTraitor implements General<OralMessage> {
  private final int id;
  private final General<OralMessage> shape;
  private final IntFunction<String> script;
  private int sent;

  public ScriptedTraitor(int id, int n, int m, int commander, IntFunction<String> script) {
    this(id, id == commander ? OralGeneral.commander(id, n, m, "?") : OralGeneral.lieutenant(id, n, m, commander),
        script);
  }

  /** Scripts the messages of any loyal general's shape, e.g. a vector process's. */
  public ScriptedTraitor(int id, General<OralMessage> shape, IntFunction<String> script) {
    this.id = id;
    this.shape = shape;
    this.script = script;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<OralMessage> round(int round, List<OralMessage> received) {
    List<OralMessage> out = new ArrayList<>();
    for (OralMessage msg : shape.round(round, received)) {
      String value = script.apply(sent++);
      if (value != null) {
        out.add(new OralMessage(msg.path(), value, msg.to()));
      }
    }
    return out;
  }

  /** How many messages this traitor was expected to send (after a run). */
  public int messagesScripted() {
    return sent;
  }

  @Override
  public String decision() {
    return null;
  }
}
