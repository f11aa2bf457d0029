package dev.bft.core.statetransfer;

import dev.bft.core.message.FetchState;
import dev.bft.core.protocol.ClientTable;

/** What a {@link StateFetcher} asks its shell to do: each request is one FETCH to one peer. */
public interface FetchEffects {
  /**
   * Ask {@code peer} for part of checkpoint {@code sequence}: a page of its manifest (page 0 is the
   * state root and the head of the client table, pages 1.. the rest of a table too large for one
   * frame, {@link Manifests}), the digests some levels below a node of its tree, or the piece of a
   * chunk's encoding that starts at a position (empty: the start).
   */
  void ask(int peer, long sequence, FetchState.Ask ask);

  /** Call {@link StateFetcher#onRetryTimer} after {@code ticks}. */
  void setRetryTimer(long ticks);

  /**
   * Whether the replica still wants checkpoint {@code sequence} installed: it may have executed up
   * to it meanwhile, and then installing would roll its service back.
   */
  default boolean wanted(long sequence) {
    return true;
  }

  /** Every differing chunk is installed: the service holds the checkpoint's state; hand the client table to the replica. */
  void installed(long sequence, ClientTable clients);
}
