package dev.bft.core.message.codec;

/**
 * Size limits checked before anything is allocated for a frame's content, so a peer cannot make a
 * replica hold more than this per message.
 */
public record WireLimits(int maxFrameBytes, int maxOperationBytes, int maxResultBytes, int maxBatchRequests,
                         int maxEmbeddedMessages, int maxChunkBytes) {
  public static WireLimits defaults() {
    return new WireLimits(64 << 20, 64 << 10, 1 << 20, 65_536, 1 << 20, 4 << 20);
  }
}
