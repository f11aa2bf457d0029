package dev.bft.core.message;

/**
 * A lagging replica asks a peer for part of a checkpoint's state: a page of its manifest, the
 * digests below a node of its Merkle tree, or a piece of one chunk. Each ask is answered by one
 * {@link StateChunk} of the same kind.
 */
public record FetchState(long sequence, Ask ask, int sender, WireForm wire) implements Message {
  /** What is asked for. */
  public sealed interface Ask permits ManifestPage, NodePage, Piece {}

  /** Page 0: the state root and the head of the client table; pages 1..: the table's further pieces. */
  public record ManifestPage(int page) implements Ask {}

  /**
   * The {@code 2^depth} digests {@code depth} levels below node {@code index} of level {@code level}
   * (level 0 is the root, level L holds 2^L nodes, the last level the chunk digests).
   */
  public record NodePage(int level, int index, int depth) implements Ask {}

  /** Bytes of chunk {@code chunk}'s encoding from {@code position}: empty for its start, else a next position a piece named. */
  public record Piece(int chunk, byte[] position) implements Ask {}

  @Override
  public MessageType type() {
    return MessageType.FETCH;
  }
}
