package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.Values;
import java.util.ArrayList;
import java.util.List;

/** A traitor commander that tells odd lieutenants "attack" and even ones "retreat". */
public final class EquivocatingCommander implements General<OralMessage> {
  private final int id;
  private final int n;

  public EquivocatingCommander(int id, int n) {
    this.id = id;
    this.n = n;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<OralMessage> round(int round, List<OralMessage> received) {
    List<OralMessage> out = new ArrayList<>();
    if (round == 0) {
      for (int j = 0; j < n; j++) {
        if (j != id) {
          out.add(new OralMessage(List.of(id), j % 2 == 1 ? Values.ATTACK : Values.RETREAT, j));
        }
      }
    }
    return out;
  }

  @Override
  public String decision() {
    return null;
  }
}
