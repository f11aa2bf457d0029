package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.VectorProcess;
import dev.bft.core.agreement.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * A traitor process of interactive consistency with a named strategy. It goes through the motions
 * of a loyal {@link VectorProcess} and rewrites what it sends: EQUIVOCATE tells odd processes
 * "attack" and even ones "retreat" as its own value and flips every value it relays; LIE sends the
 * opposite of its value and flips every relay. (SILENT is {@link SilentTraitor}.)
 */
public final class VectorTraitor implements General<OralMessage> {
  private final int id;
  private final VectorProcess shape;
  private final Generals.Strategy strategy;

  public VectorTraitor(int id, int n, int m, String value, Generals.Strategy strategy) {
    if (strategy == Generals.Strategy.SILENT) {
      throw new IllegalArgumentException("a silent traitor is a SilentTraitor");
    }
    this.id = id;
    this.shape = new VectorProcess(id, n, m, value);
    this.strategy = strategy;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<OralMessage> round(int round, List<OralMessage> received) {
    List<OralMessage> out = new ArrayList<>();
    for (OralMessage msg : shape.round(round, received)) {
      boolean ownValue = msg.path().size() == 1;
      String value = strategy == Generals.Strategy.EQUIVOCATE && ownValue
          ? (msg.to() % 2 == 1 ? Values.ATTACK : Values.RETREAT)
          : flip(msg.value());
      out.add(new OralMessage(msg.path(), value, msg.to()));
    }
    return out;
  }

  private static String flip(String value) {
    return Values.ATTACK.equals(value) ? Values.RETREAT : Values.ATTACK;
  }

  @Override
  public String decision() {
    return null;
  }
}
