package dev.bft.core.service.kv;

import dev.bft.core.service.IncrementalMerkleTree;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbTables;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the service keeps in the heap about each bucket: its entry count, its encoded bytes, its
 * leaf digest in an {@link IncrementalMerkleTree}, and whether a write made the leaf stale. Sized by
 * the bucket count alone (about 64 bytes a bucket), never by the data.
 *
 * <p>A stale leaf is recomputed from the bucket's hash records in the open write transaction, and
 * every leaf recomputed or installed is written to the leaves table in that same transaction, so
 * what is committed always carries its own leaves.
 *
 * <p>A leaf record also carries the bucket's inner digest, for a snapshot to serve in the bucket's
 * header; the heap keeps an inner digest only from when a leaf changes until it is written, so the
 * heap stays sized by the buckets that changed, not 32 bytes more per bucket.
 */
final class Buckets {
  private final int count;
  private final long[] entries;
  private final long[] bytes;
  private final IncrementalMerkleTree tree;
  private final boolean[] stale;
  private final int[] staleList;
  private int staleCount;
  /** Leaves that changed since they were last written to the leaves table. */
  private final boolean[] unsaved;
  private final int[] unsavedList;
  private int unsavedCount;
  /** The inner digest of every unsaved leaf, until it is written. */
  private final Map<Integer, Digest> unsavedInner = new HashMap<>();
  private long totalEntries;

  Buckets(int count) {
    this.count = count;
    this.entries = new long[count];
    this.bytes = new long[count];
    this.tree = new IncrementalMerkleTree(count, KvLayout.EMPTY_LEAF);
    this.stale = new boolean[count];
    this.staleList = new int[count];
    this.unsaved = new boolean[count];
    this.unsavedList = new int[count];
  }

  /** Takes the committed leaves (empty buckets have no record). */
  void load(LmdbTables.Reader reader, LmdbTables.Handle leaves) {
    reader.scan(leaves, new byte[0], null, (key, value) -> {
      int b = ByteBuffer.wrap(key).getInt();
      if (value.length == KvLayout.OLD_LEAF_RECORD_BYTES) {
        throw new IllegalStateException("the leaves table holds a " + value.length + "-byte record for bucket " + b
            + ": written by an earlier version, whose bucket digests this one does not compute; start the"
            + " service on a new directory (every replica of a cluster runs one version)");
      }
      if (key.length != 4 || b < 0 || b >= count || value.length != KvLayout.LEAF_RECORD_BYTES) {
        throw new IllegalStateException("the leaves table holds a record for bucket " + b + " of " + count
            + " (" + value.length + " bytes): not written by this service");
      }
      ByteBuffer v = ByteBuffer.wrap(value, Digest.SIZE, 16);
      entries[b] = v.getLong();
      bytes[b] = v.getLong();
      totalEntries += entries[b];
      tree.set(b, Digest.of(Arrays.copyOf(value, Digest.SIZE)));
      return true;
    });
  }

  long entries(int b) {
    return entries[b];
  }

  long bytes(int b) {
    return bytes[b];
  }

  long totalEntries() {
    return totalEntries;
  }

  long[] entriesCopy() {
    return entries.clone();
  }

  long[] bytesCopy() {
    return bytes.clone();
  }

  /** A key of {@code keyLength} bytes now holds {@code valueLength} bytes; it held {@code oldLength} (-1: absent). */
  void put(int b, int keyLength, int oldLength, int valueLength) {
    if (oldLength < 0) {
      entries[b]++;
      totalEntries++;
      bytes[b] += KvLayout.entryBytes(keyLength, valueLength);
    } else {
      bytes[b] += valueLength - oldLength;
    }
    markStale(b);
  }

  void removed(int b, int keyLength, int valueLength) {
    entries[b]--;
    totalEntries--;
    bytes[b] -= KvLayout.entryBytes(keyLength, valueLength);
    markStale(b);
  }

  /** Bucket {@code b} now holds a received chunk whose digest, entries, bytes and inner digest the receiver checked. */
  void installed(int b, Digest leaf, long newEntries, long newBytes, Digest inner) {
    totalEntries += newEntries - entries[b];
    entries[b] = newEntries;
    bytes[b] = newBytes;
    // A bucket also written here since the last refresh stays stale and is recomputed from the
    // installed hash records: the same digest, for a scan.
    tree.set(b, leaf);
    markUnsaved(b, inner);
  }

  boolean anyStale() {
    return staleCount > 0;
  }

  /** Recomputes every stale leaf and writes every changed one, in the write transaction {@code w}. */
  void refresh(LmdbTables.Writer w, LmdbTables.Handle hashes, LmdbTables.Handle leaves) {
    for (int i = 0; i < staleCount; i++) {
      int b = staleList[i];
      Digest inner = recomputeInner(w, hashes, b);
      tree.set(b, KvLayout.leafDigest(entries[b], bytes[b], inner));
      stale[b] = false;
      markUnsaved(b, inner);
    }
    staleCount = 0;
    for (int i = 0; i < unsavedCount; i++) {
      int b = unsavedList[i];
      if (entries[b] == 0) {
        w.delete(leaves, KvLayout.int4(b));
      } else {
        w.put(leaves, KvLayout.int4(b), ByteBuffer.allocate(KvLayout.LEAF_RECORD_BYTES)
            .put(tree.leaf(b).bytesUnsafe()).putLong(entries[b]).putLong(bytes[b])
            .put(unsavedInner.get(b).bytesUnsafe()).array());
      }
      unsaved[b] = false;
    }
    unsavedCount = 0;
    unsavedInner.clear();
  }

  /** Current once {@link #refresh} has run since the last write. */
  Digest[] leaves() {
    assert staleCount == 0 : "leaves read while " + staleCount + " are stale";
    return tree.leaves();
  }

  /** The leaves concatenated, for a snapshot to keep. */
  byte[] leafBytes() {
    assert staleCount == 0 : "leaves read while " + staleCount + " are stale";
    return tree.leafBytes();
  }

  Digest root() {
    assert staleCount == 0 : "root read while " + staleCount + " leaves are stale";
    return tree.root();
  }

  private Digest recomputeInner(LmdbTables.Reader r, LmdbTables.Handle hashes, int b) {
    MessageDigest md = KvLayout.innerDigest();
    long[] seen = new long[2];
    r.scan(hashes, KvLayout.bucketStart(b), KvLayout.bucketEnd(b), (key, record) -> {
      md.update(record, 0, Digest.SIZE);
      seen[0]++;
      seen[1] += KvLayout.entryBytes(KvLayout.recordKeyLength(key, record), KvLayout.recordValueLength(record));
      return true;
    });
    if (seen[0] != entries[b] || seen[1] != bytes[b]) {
      throw new IllegalStateException("bucket " + b + " holds " + seen[0] + " entries of " + seen[1]
          + " encoded bytes but its bookkeeping says " + entries[b] + " of " + bytes[b]);
    }
    return Digest.of(md.digest());
  }

  private void markStale(int b) {
    if (!stale[b]) {
      stale[b] = true;
      staleList[staleCount++] = b;
    }
  }

  private void markUnsaved(int b, Digest inner) {
    unsavedInner.put(b, inner);
    if (!unsaved[b]) {
      unsaved[b] = true;
      unsavedList[unsavedCount++] = b;
    }
  }
}
