package dev.bft.core.protocol;

import dev.bft.core.service.ChunkPieces;
import dev.bft.crypto.Digest;

/** The checkpoint digest covers the service state and the client table, so exactly-once survives a restore. */
public final class StateDigests {
  private StateDigests() {}

  public static Digest checkpoint(Digest serviceState, ClientTable clients) {
    return checkpoint(serviceState, ChunkPieces.contentDigest(clients.encode()));
  }

  /**
   * The same from the digest of the client table's encoding as {@link ChunkPieces} proves it, so a
   * table too large for one frame is checked piece by piece as it arrives.
   */
  public static Digest checkpoint(Digest serviceState, Digest clientTable) {
    return Digest.sha256(new byte[] {'C'}, serviceState.bytesUnsafe(), clientTable.bytesUnsafe());
  }

  /**
   * The digest of an epoch checkpoint: {@code checkpoint} bound to the next epoch's configuration,
   * so the 2f + 1 CHECKPOINTs that make it stable also prove that configuration (docs/reconfiguration.md).
   */
  public static Digest epoch(Digest checkpoint, Digest nextConfiguration) {
    return Digest.sha256(new byte[] {'E'}, checkpoint.bytesUnsafe(), nextConfiguration.bytesUnsafe());
  }
}
