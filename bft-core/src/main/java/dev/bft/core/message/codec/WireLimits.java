package dev.bft.core.message.codec;

/**
 * Size limits checked before anything is allocated for a frame's content, so a peer cannot make a
 * replica hold more than this per message. {@code maxChunkBytes} bounds a state transfer piece or
 * manifest page, {@code maxNodeDigests} a node page of the state's Merkle tree (rounded down to a
 * power of two).
 */
public record WireLimits(int maxFrameBytes, int maxOperationBytes, int maxResultBytes, int maxBatchRequests,
                         int maxEmbeddedMessages, int maxChunkBytes, int maxNodeDigests) {
  /** The most levels of the Merkle tree one node page spans: {@code 2^depth <= maxNodeDigests}. */
  public int maxNodeDepth() {
    return maxNodeDigests < 2 ? 0 : 31 - Integer.numberOfLeadingZeros(maxNodeDigests);
  }

  public static WireLimits defaults() {
    // A node page holds at most 256 digests (8 levels of the state's Merkle tree), 8 KiB.
    return new WireLimits(64 << 20, 64 << 10, 1 << 20, 65_536, 1 << 20, 4 << 20, 256);
  }
}
