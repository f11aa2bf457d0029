package dev.bft.core.message;

import dev.bft.crypto.Digest;

/**
 * A peer's answer to a {@link FetchState}, one of three kinds. Nothing in it is trusted: the lagging
 * replica checks a manifest page against the proven checkpoint digest, a node page against the node
 * it already trusts, and a chunk's pieces, once the chunk is whole, against its proven leaf.
 */
public record StateChunk(long sequence, Answer answer, int sender, WireForm wire) implements Message {
  /** What is answered. */
  public sealed interface Answer permits ManifestPage, NodePage, Piece {}

  /** Page {@code page} of the manifest ({@link dev.bft.core.statetransfer.Manifests}). */
  public record ManifestPage(int page, byte[] bytes) implements Answer {}

  /** The {@code 2^depth} digests {@code depth} levels below node {@code index} of level {@code level}, left to right. */
  public record NodePage(int level, int index, int depth, Digest[] digests) implements Answer {}

  /**
   * Bytes of chunk {@code chunk}'s encoding at {@code position} (as asked), and where the next piece
   * starts: {@code next} is null when these bytes end the chunk.
   */
  public record Piece(int chunk, byte[] position, byte[] bytes, byte[] next) implements Answer {
    public boolean last() {
      return next == null;
    }
  }

  @Override
  public MessageType type() {
    return MessageType.STATE;
  }
}
