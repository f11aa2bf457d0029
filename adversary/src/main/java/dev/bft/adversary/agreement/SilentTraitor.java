package dev.bft.adversary.agreement;

import dev.bft.core.agreement.AgreementMessage;
import dev.bft.core.agreement.General;
import java.util.List;

/** A traitor (commander or lieutenant) that sends nothing at all. */
public final class SilentTraitor<M extends AgreementMessage> implements General<M> {
  private final int id;

  public SilentTraitor(int id) {
    this.id = id;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<M> round(int round, List<M> received) {
    return List.of();
  }

  @Override
  public String decision() {
    return null;
  }
}
