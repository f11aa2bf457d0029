package dev.bft.core.runtime;

/** A frame read on the link of {@code peer} at {@code readAt} (nanoTime), waiting for the verification stage. */
record Inbound(int peer, byte[] frame, long readAt) {
  /** What it holds of the verification queue's byte budget. */
  int bytes() {
    return frame.length;
  }
}
