package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.util.List;
import java.util.NavigableMap;

/**
 * The key-value state at a checkpoint, immutable while execution goes on. Its Merkle leaves are the
 * buckets' digests; it serves state transfer piece by piece ({@link ChunkPieces}): chunk index
 * {@code k * buckets + b} is piece k of bucket b, so one bucket that many keys hash to still
 * travels in frames of bounded size, and a small state still transfers one frame per bucket.
 */
public final class KvSnapshot {
  private final NavigableMap<byte[], byte[]>[] buckets;
  private final Digest[] bucketDigests;
  private final int maxPieces;
  private final Digest root;
  private final long entries;

  KvSnapshot(NavigableMap<byte[], byte[]>[] buckets, Digest[] bucketDigests, int[] pieceCounts, Digest root, long entries) {
    this.buckets = buckets;
    this.bucketDigests = bucketDigests;
    int most = 1;
    for (int c : pieceCounts) {
      most = Math.max(most, c);
    }
    this.maxPieces = most;
    this.root = root;
    this.entries = entries;
  }

  public Digest root() {
    return root;
  }

  public long entries() {
    return entries;
  }

  /** The number of buckets: the Merkle leaves. */
  public int leafCount() {
    return buckets.length;
  }

  /** Every chunk index is below this: buckets times the most pieces any bucket makes. */
  public int chunkIndexBound() {
    return buckets.length * maxPieces;
  }

  /**
   * The same as {@link #chunkIndexBound()}: the name under which the replica runtime asks how far
   * chunk indices go (each index below it is one STATE frame).
   */
  public int bucketCount() {
    return chunkIndexBound();
  }

  NavigableMap<byte[], byte[]> bucket(int b) {
    return buckets[b];
  }

  /** Piece {@code index / leafCount()} of bucket {@code index % leafCount()}; empty when that bucket has fewer pieces. */
  public byte[] chunk(int index) {
    if (index < 0) {
      return new byte[0];
    }
    byte[] piece = ChunkPieces.piece(content(index % buckets.length), index / buckets.length);
    return piece == null ? new byte[0] : piece;
  }

  /** The whole encoding of bucket {@code b}: what storage keeps and a receiver installs. */
  public byte[] content(int b) {
    return KvState.encodeBucket(buckets[b]);
  }

  /** The chunk digests (Merkle leaves) of this snapshot; their root is {@link #root()}. */
  public Digest[] chunkDigests() {
    return bucketDigests.clone();
  }

  public List<Digest> proof(int b) {
    return MerkleTree.path(bucketDigests, b);
  }

  /** The Merkle leaf of a bucket's whole encoding. */
  public static Digest chunkDigest(byte[] content) {
    return KvState.bucketDigest(content);
  }

  /** Whether {@code content} is bucket {@code b} of the state whose digest is {@code root}. */
  public static boolean verifyChunk(Digest root, int b, byte[] content, List<Digest> proof) {
    return MerkleTree.verify(root, KvState.bucketDigest(content), b, proof);
  }
}
