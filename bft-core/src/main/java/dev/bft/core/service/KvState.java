package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The key-value state cut into a fixed number of buckets by a stable hash of the key. Each bucket
 * is a sorted map with a cached digest over its encoding; the state digest is the Merkle root over
 * the bucket digests. A write only marks its bucket dirty, so computing the digest at a checkpoint
 * rehashes only buckets written since the last one, never the whole state.
 *
 * <p>Buckets are copy-on-write: a snapshot shares them, and the next write to a shared bucket
 * copies it first. The buckets are also the service's chunks.
 */
final class KvState implements KvRules.Store {
  static final int DEFAULT_BUCKETS = 1024;

  private final int bucketCount;
  private final TreeMap<byte[], byte[]>[] buckets;
  private final boolean[] shared;
  private final Digest[] bucketDigests;
  private final boolean[] dirty;
  private int dirtyCount;
  private long entries;

  @SuppressWarnings("unchecked")
  KvState(int bucketCount) {
    if (bucketCount < 1 || Integer.bitCount(bucketCount) != 1) {
      throw new IllegalArgumentException("bucket count " + bucketCount + " must be a power of two");
    }
    this.bucketCount = bucketCount;
    this.buckets = new TreeMap[bucketCount];
    this.shared = new boolean[bucketCount];
    this.bucketDigests = new Digest[bucketCount];
    this.dirty = new boolean[bucketCount];
    for (int i = 0; i < bucketCount; i++) {
      buckets[i] = new TreeMap<>(Arrays::compareUnsigned);
      dirty[i] = true;
    }
    dirtyCount = bucketCount;
  }

  int bucketCount() {
    return bucketCount;
  }

  long entries() {
    return entries;
  }

  /** FNV-1a: stable across JVMs and runs, unlike any identity-based hash. */
  int bucketOf(byte[] key) {
    int h = 0x811C9DC5;
    for (byte b : key) {
      h = (h ^ (b & 0xFF)) * 0x01000193;
    }
    return h & (bucketCount - 1);
  }

  @Override
  public byte[] get(byte[] key) {
    return buckets[bucketOf(key)].get(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    int b = writable(bucketOf(key));
    if (buckets[b].put(key.clone(), value.clone()) == null) {
      entries++;
    }
  }

  @Override
  public void delete(byte[] key) {
    int b = bucketOf(key);
    if (buckets[b].containsKey(key)) {
      writable(b);
      buckets[b].remove(key);
      entries--;
    }
  }

  private int writable(int b) {
    if (shared[b]) {
      buckets[b] = new TreeMap<>(buckets[b]);
      shared[b] = false;
    }
    if (!dirty[b]) {
      dirty[b] = true;
      dirtyCount++;
    }
    return b;
  }

  /** The Merkle root over the bucket digests, rehashing dirty buckets only. */
  Digest digest() {
    refreshDigests();
    return MerkleTree.root(bucketDigests);
  }

  Digest[] bucketDigests() {
    refreshDigests();
    return bucketDigests.clone();
  }

  private void refreshDigests() {
    if (dirtyCount > 0) {
      for (int b = 0; b < bucketCount; b++) {
        if (dirty[b]) {
          byte[] encoded = encodeBucket(buckets[b]);
          bucketDigests[b] = bucketDigest(encoded);
          dirty[b] = false;
        }
      }
      dirtyCount = 0;
    }
  }

  /** An immutable view of the current state, sharing buckets until they are next written. */
  KvSnapshot snapshot() {
    Digest root = digest();
    @SuppressWarnings("unchecked")
    NavigableMap<byte[], byte[]>[] view = new NavigableMap[bucketCount];
    for (int b = 0; b < bucketCount; b++) {
      shared[b] = true;
      view[b] = java.util.Collections.unmodifiableNavigableMap(buckets[b]);
    }
    return new KvSnapshot(view, bucketDigests.clone(), root, entries);
  }

  /** Replaces the whole state with a snapshot's (state transfer). */
  void restore(KvSnapshot snapshot) {
    if (snapshot.leafCount() != bucketCount) {
      throw new IllegalArgumentException("snapshot has " + snapshot.leafCount() + " buckets, this state " + bucketCount);
    }
    entries = 0;
    for (int b = 0; b < bucketCount; b++) {
      buckets[b] = new TreeMap<>(snapshot.bucket(b));
      shared[b] = false;
      dirty[b] = true;
      entries += buckets[b].size();
    }
    dirtyCount = bucketCount;
  }

  /** Replaces one bucket from a verified state-transfer chunk. */
  void restoreBucket(int b, byte[] chunk) {
    TreeMap<byte[], byte[]> decoded = decodeBucket(chunk);
    entries += decoded.size() - buckets[b].size();
    buckets[b] = decoded;
    shared[b] = false;
    if (!dirty[b]) {
      dirty[b] = true;
      dirtyCount++;
    }
  }

  static Digest bucketDigest(byte[] encodedBucket) {
    return ChunkPieces.contentDigest(encodedBucket);
  }

  /** {@code [count:4]([key length:4][key][value length:4][value])*} in key order. */
  static byte[] encodeBucket(Map<byte[], byte[]> bucket) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(4).putInt(bucket.size()).array());
    for (Map.Entry<byte[], byte[]> e : bucket.entrySet()) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(e.getKey().length).array());
      out.writeBytes(e.getKey());
      out.writeBytes(ByteBuffer.allocate(4).putInt(e.getValue().length).array());
      out.writeBytes(e.getValue());
    }
    return out.toByteArray();
  }

  /**
   * A bucket from its encoding. State transfer installs only chunks that match a digest 2f + 1
   * replicas proved, but the bytes still came from a peer: every count and length is held to the
   * bytes present before anything is allocated for it. Throws IllegalArgumentException on bytes
   * that are not a bucket.
   */
  static TreeMap<byte[], byte[]> decodeBucket(byte[] chunk) {
    ByteBuffer b = ByteBuffer.wrap(chunk);
    int count = length(b, "entry count");
    if (count > b.remaining() / 8) {
      throw new IllegalArgumentException("not a bucket: " + count + " entries claimed in " + b.remaining() + " bytes");
    }
    TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < count; i++) {
      byte[] k = new byte[fitting(b, "key")];
      b.get(k);
      byte[] v = new byte[fitting(b, "value")];
      b.get(v);
      map.put(k, v);
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("not a bucket: " + b.remaining() + " trailing bytes");
    }
    return map;
  }

  private static int length(ByteBuffer b, String what) {
    if (b.remaining() < 4) {
      throw new IllegalArgumentException("not a bucket: no room for the " + what);
    }
    int length = b.getInt();
    if (length < 0) {
      throw new IllegalArgumentException("not a bucket: " + what + " " + Integer.toUnsignedString(length));
    }
    return length;
  }

  private static int fitting(ByteBuffer b, String what) {
    int length = length(b, what + " length");
    if (length > b.remaining()) {
      throw new IllegalArgumentException("not a bucket: a " + what + " of " + length + " bytes, " + b.remaining() + " remain");
    }
    return length;
  }

}
