package dev.bft.core.service.kv;

import dev.bft.crypto.Digest;
import dev.bft.crypto.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * How the key-value state lies in LMDB and how its chunks are digested and encoded.
 *
 * <p>A key's bucket is the first four bytes of SHA-256(key), masked. Not FNV, as the heap service
 * has: FNV is cheap to invert, so a client could aim all its keys at one bucket for free. With
 * SHA-256 it still can, but at a hash per try (about 65 536 tries a key at 65 536 buckets: cheap,
 * milliseconds, yet a million aimed keys cost CPU hours). The cost aiming inflates is bounded in
 * any case: a write makes its bucket's leaf be recomputed at the next commit from the bucket's
 * 36-byte hash records, so a bucket of n entries costs 36n bytes of reading per commit that
 * touches it, and that bucket travels whole in a state transfer when it differs.
 *
 * <p>Tables, every key of the first four prefixed by its bucket (4 bytes, big-endian) so that a
 * bucket is one contiguous range in key order:
 * <ul>
 *   <li>{@code data}: bucket || key -> value;
 *   <li>{@code hashes}: bucket || key -> entry hash (32) || value length (4), so a bucket's digest
 *       is recomputed from 36-byte records without reading a value;
 *   <li>{@code staged-data}, {@code staged-hashes}: the same for chunks arriving by state transfer;
 *   <li>{@code leaves}: bucket -> leaf digest (32) || entries (8) || encoded bytes (8) || inner
 *       digest (32), for buckets that are not empty, so opening a large state reads 80 bytes a
 *       bucket rather than the state, and a snapshot serves a bucket's header without rehashing it;
 *   <li>{@code meta}: the applied sequence, the bucket count, the installing marker;
 *   <li>{@code clients}: client id (4) -> exactly-once entry.
 * </ul>
 */
final class KvLayout {
  static final String DATA = "data";
  static final String HASHES = "hashes";
  static final String STAGED_DATA = "staged-data";
  static final String STAGED_HASHES = "staged-hashes";
  static final String LEAVES = "leaves";
  static final String META = "meta";
  static final String CLIENTS = "clients";
  static final List<String> TABLES = List.of(DATA, HASHES, STAGED_DATA, STAGED_HASHES, LEAVES, META, CLIENTS);

  static final byte[] APPLIED = "applied".getBytes(StandardCharsets.US_ASCII);
  static final byte[] BUCKETS = "buckets".getBytes(StandardCharsets.US_ASCII);
  static final byte[] INSTALLING = "installing".getBytes(StandardCharsets.US_ASCII);

  /** Entries, encoded bytes and inner digest at the head of a bucket's encoding. */
  static final int HEADER_BYTES = 16 + Digest.SIZE;
  static final int HASH_RECORD_BYTES = Digest.SIZE + 4;
  static final int LEAF_RECORD_BYTES = Digest.SIZE + 16 + Digest.SIZE;
  /** The record size before the inner digest was part of the leaf: another digest, refused with a reason. */
  static final int OLD_LEAF_RECORD_BYTES = Digest.SIZE + 16;
  private static final byte[] TAG = "kv-bucket".getBytes(StandardCharsets.US_ASCII);
  static final Digest EMPTY_INNER = Digest.of(innerDigest().digest());
  static final Digest EMPTY_LEAF = leafDigest(0, 0, EMPTY_INNER);

  private KvLayout() {}

  static int bucketOf(byte[] key, int buckets) {
    return ByteBuffer.wrap(Digests.sha256(key)).getInt() & (buckets - 1);
  }

  static byte[] storedKey(int bucket, byte[] key) {
    return ByteBuffer.allocate(4 + key.length).putInt(bucket).put(key).array();
  }

  static byte[] userKey(byte[] storedKey) {
    return Arrays.copyOfRange(storedKey, 4, storedKey.length);
  }

  /** Where bucket {@code bucket}'s range of keys starts. */
  static byte[] bucketStart(int bucket) {
    return int4(bucket);
  }

  /** Where bucket {@code bucket}'s range of keys ends (exclusive): a bucket count is at most 2^30. */
  static byte[] bucketEnd(int bucket) {
    return int4(bucket + 1);
  }

  static byte[] int4(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  static byte[] long8(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /** An entry's share of its bucket's encoding: {@code [keyLen:4][key][valueLen:4][value]}. */
  static long entryBytes(int keyLength, int valueLength) {
    return 8L + keyLength + valueLength;
  }

  /** SHA-256 over the entry's encoding, the entry's term in its bucket's digest. */
  static byte[] entryHash(byte[] key, byte[] value) {
    MessageDigest md = Digests.newSha256();
    md.update(int4(key.length));
    md.update(key);
    md.update(int4(value.length));
    md.update(value);
    return md.digest();
  }

  static byte[] hashRecord(byte[] entryHash, int valueLength) {
    return ByteBuffer.allocate(HASH_RECORD_BYTES).put(entryHash).putInt(valueLength).array();
  }

  static int recordValueLength(byte[] hashRecord) {
    return ByteBuffer.wrap(hashRecord, Digest.SIZE, 4).getInt();
  }

  /**
   * A bucket's inner digest once fed each entry's hash in key order: SHA-256(eh_1 || ... || eh_n),
   * computed from the 36-byte hash records without reading a value.
   */
  static MessageDigest innerDigest() {
    return Digests.newSha256();
  }

  /**
   * A bucket's digest, SHA-256("kv-bucket" || entries:8 || encoded bytes:8 || inner). The entry
   * hashes sit one hash below the sizes, not beside them, so that the header of the encoding, the
   * same three fields, can be checked against the proven leaf before a byte of entries arrives: a
   * peer that declared more than the bucket holds would otherwise fill the receiver's staging
   * tables, its disk or its LMDB map, before the digest at the end caught it.
   */
  static Digest leafDigest(long entries, long encodedBytes, Digest inner) {
    MessageDigest md = Digests.newSha256();
    md.update(TAG);
    md.update(long8(entries));
    md.update(long8(encodedBytes));
    md.update(inner.bytesUnsafe());
    return Digest.of(md.digest());
  }

  /** The header of a bucket's encoding: what its leaf digest is made of, but the tag. */
  static byte[] header(long entries, long encodedBytes, Digest inner) {
    return ByteBuffer.allocate(HEADER_BYTES).putLong(entries).putLong(encodedBytes).put(inner.bytesUnsafe()).array();
  }

  /** One entry's encoding. */
  static byte[] encodeEntry(byte[] key, byte[] value) {
    return ByteBuffer.allocate(8 + key.length + value.length).putInt(key.length).put(key).putInt(value.length).put(value)
        .array();
  }
}
