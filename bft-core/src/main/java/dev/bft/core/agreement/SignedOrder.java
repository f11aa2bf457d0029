package dev.bft.core.agreement;

import java.util.List;
import java.util.stream.Collectors;

/**
 * SM(m)'s message: {@code value} with a chain of signatures, the commander's first; each general
 * that relays it appends its signature over the value and the chain before it.
 */
public record SignedOrder(String value, List<Link> chain, int to) implements AgreementMessage {
  /** One general's signature in the chain. */
  public record Link(int general, byte[] signature) {}

  public SignedOrder {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a signed order carries at least the commander's signature");
    }
  }

  @Override
  public int from() {
    return chain.get(chain.size() - 1).general();
  }

  public List<Integer> signers() {
    return chain.stream().map(Link::general).toList();
  }

  @Override
  public String describe() {
    return from() + " -> " + to + "  " + value + "  (signed " + signers().stream().map(String::valueOf)
        .collect(Collectors.joining(":")) + ")";
  }
}
