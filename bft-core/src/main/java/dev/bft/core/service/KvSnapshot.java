package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.util.List;
import java.util.NavigableMap;

/**
 * The key-value state at a checkpoint, immutable while execution goes on. It serves state transfer
 * chunk by chunk (one chunk per bucket), each with the Merkle path that proves it against {@link #root()}.
 */
public final class KvSnapshot {
  private final NavigableMap<byte[], byte[]>[] buckets;
  private final Digest[] bucketDigests;
  private final Digest root;
  private final long entries;

  KvSnapshot(NavigableMap<byte[], byte[]>[] buckets, Digest[] bucketDigests, Digest root, long entries) {
    this.buckets = buckets;
    this.bucketDigests = bucketDigests;
    this.root = root;
    this.entries = entries;
  }

  public Digest root() {
    return root;
  }

  public long entries() {
    return entries;
  }

  public int bucketCount() {
    return buckets.length;
  }

  NavigableMap<byte[], byte[]> bucket(int b) {
    return buckets[b];
  }

  public byte[] chunk(int b) {
    return KvState.encodeBucket(buckets[b]);
  }

  /** The chunk digests (Merkle leaves) of this snapshot; their root is {@link #root()}. */
  public Digest[] chunkDigests() {
    return bucketDigests.clone();
  }

  public List<Digest> proof(int b) {
    return MerkleTree.path(bucketDigests, b);
  }

  /** The Merkle leaf of a chunk: what its bucket's digest must be. */
  public static Digest chunkDigest(byte[] chunk) {
    return KvState.bucketDigest(chunk);
  }

  /** Whether {@code chunk} is bucket {@code b} of the state whose digest is {@code root}. */
  public static boolean verifyChunk(Digest root, int b, byte[] chunk, List<Digest> proof) {
    return MerkleTree.verify(root, KvState.bucketDigest(chunk), b, proof);
  }
}
