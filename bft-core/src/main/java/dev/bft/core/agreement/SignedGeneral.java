package dev.bft.core.agreement;

import dev.bft.crypto.Ed25519KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A loyal general of SM(m). The commander signs and sends its value. A lieutenant that receives a
 * valid order (signed first by the commander, chain valid, not yet signed by it) whose value is new
 * to it adds the value to its set V and, if fewer than m + 1 generals signed, signs and relays it
 * to every general not in the chain. It decides choice(V): the value if V holds exactly one,
 * otherwise the default. Works for any n >= m + 2.
 */
public final class SignedGeneral implements General<SignedOrder> {
  private final int id;
  private final int n;
  private final int m;
  private final int commander;
  private final String commanderValue;
  private final Ed25519KeyPair key;
  private final OrderSignatures signatures;
  private final TreeSet<String> values = new TreeSet<>();

  private SignedGeneral(int id, int n, int m, int commander, String value, Ed25519KeyPair key, OrderSignatures sigs) {
    this.id = id;
    this.n = n;
    this.m = m;
    this.commander = commander;
    this.commanderValue = value;
    this.key = key;
    this.signatures = sigs;
  }

  public static SignedGeneral commander(int id, int n, int m, String value, Ed25519KeyPair key, OrderSignatures sigs) {
    return new SignedGeneral(id, n, m, id, value, key, sigs);
  }

  public static SignedGeneral lieutenant(int id, int n, int m, int commander, Ed25519KeyPair key, OrderSignatures sigs) {
    return new SignedGeneral(id, n, m, commander, null, key, sigs);
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<SignedOrder> round(int round, List<SignedOrder> inbox) {
    List<SignedOrder> out = new ArrayList<>();
    if (id == commander) {
      if (round == 0) {
        List<SignedOrder.Link> chain = OrderSignatures.extend(commanderValue, List.of(), id, key);
        for (int j = 0; j < n; j++) {
          if (j != id) {
            out.add(new SignedOrder(commanderValue, chain, j));
          }
        }
      }
      return out;
    }
    for (SignedOrder order : inbox) {
      if (order.to() != id || order.chain().get(0).general() != commander || order.signers().contains(id)
          || !signatures.valid(order) || values.contains(order.value())) {
        continue;
      }
      values.add(order.value());
      if (order.chain().size() <= m) {
        List<SignedOrder.Link> chain = OrderSignatures.extend(order.value(), order.chain(), id, key);
        for (int j = 0; j < n; j++) {
          if (j != id && !order.signers().contains(j)) {
            out.add(new SignedOrder(order.value(), chain, j));
          }
        }
      }
    }
    return out;
  }

  @Override
  public String decision() {
    if (id == commander) {
      return null;
    }
    return values.size() == 1 ? values.first() : Values.DEFAULT;
  }
}
