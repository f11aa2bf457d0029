package dev.bft.core.cli;

import dev.bft.core.byzantine.OutboundFilter;

/**
 * A named Byzantine behaviour that {@code bin/bft replica --byzantine NAME} can make a real replica
 * play. The adversary module registers its behaviours with {@link java.util.ServiceLoader}.
 */
public interface ByzantineBehaviour {
  /** The name users type, e.g. {@code equivocate}. */
  String name();

  /** One line on what it does, for --help and error messages. */
  String description();

  /** A fresh instance for replica {@code replica} of a cluster of {@code n}. */
  OutboundFilter create(int replica, int n);
}
