package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OralGeneral;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.Values;
import java.util.ArrayList;
import java.util.List;

/** A traitor lieutenant that relays like a loyal one but flips every value it passes on. */
public final class LyingRelay implements General<OralMessage> {
  private final int id;
  private final OralGeneral honest;

  public LyingRelay(int id, int n, int m, int commander) {
    this.id = id;
    this.honest = OralGeneral.lieutenant(id, n, m, commander);
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<OralMessage> round(int round, List<OralMessage> received) {
    List<OralMessage> out = new ArrayList<>();
    for (OralMessage msg : honest.round(round, received)) {
      String flipped = Values.ATTACK.equals(msg.value()) ? Values.RETREAT : Values.ATTACK;
      out.add(new OralMessage(msg.path(), flipped, msg.to()));
    }
    return out;
  }

  @Override
  public String decision() {
    return null;
  }
}
