package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;

/** What a {@link StateFetcher} asks its shell to do. */
public interface FetchEffects {
  /** Ask {@code peer} for the manifest of checkpoint {@code sequence}: its chunk digests and client table. */
  void requestManifest(int peer, long sequence);

  void requestChunk(int peer, long sequence, int index);

  /** Call {@link StateFetcher#onRetryTimer} after {@code ticks}. */
  void setRetryTimer(long ticks);

  /** Every chunk is installed: the service holds the checkpoint's state; hand the client table to the replica. */
  void installed(long sequence, ClientTable clients);
}
