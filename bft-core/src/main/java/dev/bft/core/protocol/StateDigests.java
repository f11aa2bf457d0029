package dev.bft.core.protocol;

import dev.bft.crypto.Digest;

/** The checkpoint digest covers the service state and the client table, so exactly-once survives a restore. */
public final class StateDigests {
  private StateDigests() {}

  public static Digest checkpoint(Digest serviceState, ClientTable clients) {
    return Digest.sha256(new byte[] {'C'}, serviceState.bytesUnsafe(), clients.encode());
  }
}
