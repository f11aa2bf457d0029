package dev.bft.core.runtime;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;

/** What the shell's effects need of the host for checkpoints and state transfer. */
public interface Checkpoints {
  /** The service's state now, immutable from here on (persisted on the writer lane, served to peers). */
  StateSnapshot snapshot();

  /** Keeps the snapshot of checkpoint {@code sequence} to serve it by state transfer. */
  void hold(long sequence, StateSnapshot snapshot, ClientTable clients);

  /** Checkpoint {@code sequence} became stable: older held snapshots may go. */
  void stable(long sequence);

  /** The protocol asks for the state of checkpoint {@code sequence}, proved to have {@code digest}. */
  void fetch(long sequence, Digest digest);

  /** A reconfiguration executed at {@code sequence}; the epoch checkpoint at {@code boundary} will prove the configuration {@code next}. */
  default void epochEnded(long sequence, long boundary, Digest next) {}

  /** The epoch checkpoint at {@code boundary} is stable with {@code proof}: the next epoch may start once it is stored. */
  default void epochProven(long boundary, java.util.List<dev.bft.core.message.Checkpoint> proof) {}
}
