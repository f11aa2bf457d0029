package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;

/** What a {@link StateFetcher} asks its shell to do. */
public interface FetchEffects {
  /** Ask {@code peer} for the manifest of checkpoint {@code sequence}: its chunk digests and client table. */
  void requestManifest(int peer, long sequence);

  /**
   * Ask {@code peer} for page {@code page} of the manifest of checkpoint {@code sequence}: page 0 is
   * what {@link #requestManifest} asks for, pages 1.. carry a client table too large for one frame
   * ({@link Manifests}). A shell that cannot ask for later pages yet transfers only states whose
   * client table fits page 0.
   */
  default void requestManifestPage(int peer, long sequence, int page) {
    if (page == 0) {
      requestManifest(peer, sequence);
    }
  }

  void requestChunk(int peer, long sequence, int index);

  /** Call {@link StateFetcher#onRetryTimer} after {@code ticks}. */
  void setRetryTimer(long ticks);

  /**
   * Whether the replica still wants checkpoint {@code sequence} installed: it may have executed up
   * to it meanwhile, and then installing would roll its service back.
   */
  default boolean wanted(long sequence) {
    return true;
  }

  /** Every chunk is installed: the service holds the checkpoint's state; hand the client table to the replica. */
  void installed(long sequence, ClientTable clients);
}
