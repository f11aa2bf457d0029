package dev.bft.core.agreement;

import java.util.List;
import java.util.stream.Collectors;

/**
 * OM(m)'s message: "{@code path} says {@code value}", where {@code path} lists the generals the value
 * passed through, the commander first and the sender last. An oral message proves nothing about
 * what earlier generals in the path really said.
 */
public record OralMessage(List<Integer> path, String value, int to) implements AgreementMessage {
  public OralMessage {
    path = List.copyOf(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("an oral message has at least the commander in its path");
    }
  }

  @Override
  public int from() {
    return path.get(path.size() - 1);
  }

  @Override
  public String describe() {
    return from() + " -> " + to + "  " + value + "  (path " + path.stream().map(String::valueOf)
        .collect(Collectors.joining(":")) + ")";
  }
}
