package dev.bft.core.sim;

import dev.bft.crypto.Digest;

/**
 * How the simulator copies a service's state for state transfer. A snapshot must be immutable; its
 * digest is computed from its content, so a corrupted or substituted snapshot cannot pass as another.
 */
public interface StateSnapshots {
  Object snapshot();

  Digest digestOf(Object snapshot);

  void restore(Object snapshot);
}
