package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.util.List;
import java.util.NavigableMap;

/**
 * The key-value state at a checkpoint, immutable while execution goes on: it shares the buckets
 * with the live state, which copies a bucket before its next write. Its chunks are the buckets.
 */
public final class KvSnapshot implements ByteChunkSnapshot {
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

  /** The number of buckets: the Merkle leaves. */
  public int leafCount() {
    return buckets.length;
  }

  NavigableMap<byte[], byte[]> bucket(int b) {
    return buckets[b];
  }

  /** The whole encoding of bucket {@code b}: what storage keeps and a receiver installs. */
  @Override
  public byte[] chunk(int b) {
    return KvState.encodeBucket(buckets[b]);
  }

  /** The chunk digests (Merkle leaves) of this snapshot; their root is {@link #root()}. */
  @Override
  public Digest[] chunkDigests() {
    return bucketDigests.clone();
  }

  public List<Digest> proof(int b) {
    return MerkleTree.path(bucketDigests, b);
  }

  /** Whether {@code content} is bucket {@code b} of the state whose digest is {@code root}. */
  public static boolean verifyChunk(Digest root, int b, byte[] content, List<Digest> proof) {
    return MerkleTree.verify(root, KvState.bucketDigest(content), b, proof);
  }
}
