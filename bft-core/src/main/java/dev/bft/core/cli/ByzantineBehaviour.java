package dev.bft.core.cli;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.crypto.Ed25519KeyPair;

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

  /**
   * A replica whose key a colluder holds ({@code --colluder ID}): at f >= 2 two Byzantine replicas
   * may pool their keys, and some attacks need a second signer.
   */
  record Colluder(int id, Ed25519KeyPair key) {}

  /** Whether this behaviour needs a {@link Colluder}. */
  default boolean needsColluder() {
    return false;
  }

  /** A fresh instance that may sign as {@code colluder} too; behaviours that need none ignore it. */
  default OutboundFilter create(int replica, int n, Colluder colluder) {
    return create(replica, n);
  }
}
