package dev.bft.core.message.codec;

/**
 * Size limits checked before anything is allocated for a frame's content, so a peer cannot make a
 * replica hold more than this per message.
 */
public record WireLimits(int maxFrameBytes, int maxOperationBytes, int maxResultBytes, int maxBatchRequests,
                         int maxEmbeddedMessages, int maxChunkBytes, int maxFetchChunks) {
  public static WireLimits defaults() {
    // A FETCH asks for at most 64 chunks: what a replica serves for one (ReplicaNode#serve).
    return new WireLimits(64 << 20, 64 << 10, 1 << 20, 65_536, 1 << 20, 4 << 20, 64);
  }
}
