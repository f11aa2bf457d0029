package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.OrderSignatures;
import dev.bft.core.agreement.SignedOrder;
import dev.bft.core.agreement.Values;
import dev.bft.crypto.Ed25519KeyPair;
import java.util.ArrayList;
import java.util.List;

/**
 * A traitor SM commander: it signs "attack" for odd lieutenants and "retreat" for even ones. It can
 * sign anything in its own name, but the loyal lieutenants' relays expose both values.
 */
public final class SignedEquivocatingCommander implements General<SignedOrder> {
  private final int id;
  private final int n;
  private final Ed25519KeyPair key;

  public SignedEquivocatingCommander(int id, int n, Ed25519KeyPair key) {
    this.id = id;
    this.n = n;
    this.key = key;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<SignedOrder> round(int round, List<SignedOrder> received) {
    List<SignedOrder> out = new ArrayList<>();
    if (round == 0) {
      for (int j = 0; j < n; j++) {
        if (j != id) {
          String v = j % 2 == 1 ? Values.ATTACK : Values.RETREAT;
          out.add(new SignedOrder(v, OrderSignatures.extend(v, List.of(), id, key), j));
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
