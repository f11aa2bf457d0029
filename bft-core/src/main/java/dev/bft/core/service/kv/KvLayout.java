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
 *   <li>{@code data}: bucket || name -> value, where a key's <em>name</em> is the key itself, or
 *       for a {@link #hashed} key (one longer than LMDB's keys leave room for) {@link #LONG_KEY_MARKER}
 *       || SHA-256(key), and then the value is kept as key length (4) || key || value;
 *   <li>{@code hashes}: bucket || name -> entry hash (32) || value length (4), and for a hashed
 *       key its length (4) after, so a bucket's digest is recomputed from 36-byte records without
 *       reading a value;
 *   <li>{@code staged-data}, {@code staged-hashes}: the same for chunks arriving by state transfer;
 *   <li>{@code leaves}: bucket -> leaf digest (32) || entries (8) || encoded bytes (8) || inner
 *       digest (32), for buckets that are not empty, so opening a large state reads 80 bytes a
 *       bucket rather than the state, and a snapshot serves a bucket's header without rehashing it;
 *   <li>{@code meta}: the applied sequence, the bucket count, the installing marker;
 *   <li>{@code clients}: client id (4) -> exactly-once entry.
 * </ul>
 *
 * <p>A bucket's entries are ordered by their names (unsigned), in its encoding as in LMDB: a name is
 * a function of the key alone, so the order, the encoding and the digest are the same at every
 * replica, and a short key's name is the key, so a bucket of short keys is in key order as before.
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

  /**
   * The longest key stored under its own bytes: LMDB's keys are at most 511 bytes, less the bucket
   * prefix. A constant rather than what the environment reports, since it decides the order of a
   * bucket's encoding, which every replica must agree on.
   */
  static final int LONGEST_PLAIN_KEY = 507;
  /** Starts the name of a hashed key; 0xFF first, so hashed keys mostly sort after a bucket's plain ones. */
  static final byte[] LONG_KEY_MARKER = {(byte) 0xFF, 'l', 'o', 'n', 'g', 'k', 'e', 'y'};
  private static final int HASHED_NAME_BYTES = LONG_KEY_MARKER.length + Digest.SIZE;
  static final int LONG_HASH_RECORD_BYTES = HASH_RECORD_BYTES + 4;

  private KvLayout() {}

  static int bucketOf(byte[] key, int buckets) {
    return ByteBuffer.wrap(Digests.sha256(key)).getInt() & (buckets - 1);
  }

  /**
   * Whether {@code key} is stored under the marker and its hash: when it is too long to be stored
   * as it is, and also when it has the very shape of such a name, so that no key stored as it is
   * can ever be taken for a hashed key's name (a client could otherwise write one on purpose).
   */
  static boolean hashed(byte[] key) {
    return key.length > LONGEST_PLAIN_KEY || (key.length == HASHED_NAME_BYTES
        && Arrays.equals(key, 0, LONG_KEY_MARKER.length, LONG_KEY_MARKER, 0, LONG_KEY_MARKER.length));
  }

  /** The key's name: what orders it in its bucket, and its LMDB key after the bucket. */
  static byte[] name(byte[] key) {
    if (!hashed(key)) {
      return key;
    }
    return ByteBuffer.allocate(HASHED_NAME_BYTES).put(LONG_KEY_MARKER).put(Digests.sha256(key)).array();
  }

  static byte[] storedKey(int bucket, byte[] key) {
    return storedName(bucket, name(key));
  }

  static byte[] storedName(int bucket, byte[] name) {
    return ByteBuffer.allocate(4 + name.length).putInt(bucket).put(name).array();
  }

  static byte[] nameOf(byte[] storedKey) {
    return Arrays.copyOfRange(storedKey, 4, storedKey.length);
  }

  /** What the data table holds for {@code key}: the value, after the key itself when the key is hashed. */
  static byte[] dataRecord(byte[] key, byte[] value) {
    if (!hashed(key)) {
      return value;
    }
    return ByteBuffer.allocate(4 + key.length + value.length).putInt(key.length).put(key).put(value).array();
  }

  /** A key and its value as the data table holds them under {@code storedKey}. */
  record Entry(byte[] key, byte[] value) {}

  static Entry entry(byte[] storedKey, byte[] record) {
    byte[] name = nameOf(storedKey);
    // A hashed key's name has the marker's shape, so it is "hashed" itself; a plain key's name is the key.
    return hashed(name) ? split(record) : new Entry(name, record);
  }

  /** The value of {@code key} in the data table's {@code record} for it (null: none). */
  static byte[] value(byte[] key, byte[] record) {
    if (record == null || !hashed(key)) {
      return record;
    }
    Entry e = split(record);
    if (!Arrays.equals(e.key(), key)) {
      throw new IllegalStateException("keys of " + key.length + " and " + e.key().length
          + " bytes share a name: the data table holds a record this service did not write");
    }
    return e.value();
  }

  private static Entry split(byte[] record) {
    int keyLength = ByteBuffer.wrap(record).getInt();
    return new Entry(Arrays.copyOfRange(record, 4, 4 + keyLength), Arrays.copyOfRange(record, 4 + keyLength, record.length));
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

  /** A hash record: a hashed key's length is kept too, as its name no longer tells it. */
  static byte[] hashRecord(byte[] key, byte[] entryHash, int valueLength) {
    if (!hashed(key)) {
      return ByteBuffer.allocate(HASH_RECORD_BYTES).put(entryHash).putInt(valueLength).array();
    }
    return ByteBuffer.allocate(LONG_HASH_RECORD_BYTES).put(entryHash).putInt(valueLength).putInt(key.length).array();
  }

  static int recordValueLength(byte[] hashRecord) {
    return ByteBuffer.wrap(hashRecord, Digest.SIZE, 4).getInt();
  }

  /** The length of the key whose hash record is {@code hashRecord}, stored under {@code storedKey}. */
  static int recordKeyLength(byte[] storedKey, byte[] hashRecord) {
    return hashRecord.length == LONG_HASH_RECORD_BYTES ? ByteBuffer.wrap(hashRecord, HASH_RECORD_BYTES, 4).getInt()
        : storedKey.length - 4;
  }

  /**
   * A bucket's inner digest once fed each entry's hash in the order of the keys' names: SHA-256(eh_1 || ... || eh_n),
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
