package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;

/** What a {@link StateFetcher} asks its shell to do: each request is one FETCH to one peer. */
public interface FetchEffects {
  /**
   * Ask {@code peer} for page {@code page} of the manifest of checkpoint {@code sequence}: page 0 is
   * the state root and the head of the client table, pages 1.. the rest of a table too large for one
   * frame ({@link Manifests}).
   */
  void requestManifestPage(int peer, long sequence, int page);

  /** Ask {@code peer} for the 2^depth digests {@code depth} levels below node {@code index} of level {@code level}. */
  void requestNodes(int peer, long sequence, int level, int index, int depth);

  /** Ask {@code peer} for the piece of chunk {@code chunk}'s encoding that starts at {@code position} (empty: the start). */
  void requestPiece(int peer, long sequence, int chunk, byte[] position);

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
