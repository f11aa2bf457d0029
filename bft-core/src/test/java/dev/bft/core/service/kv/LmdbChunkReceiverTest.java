package dev.bft.core.service.kv;

import static dev.bft.core.service.kv.KvFixture.b;
import static dev.bft.core.service.kv.KvFixture.open;
import static dev.bft.core.service.kv.KvFixture.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.ServiceContext;
import dev.bft.crypto.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sender that lies about a bucket is refused or caught, and leaves nothing staged once discarded. */
class LmdbChunkReceiverTest {
  static final int CHUNKS = 4;
  static final int CHUNK = 1;
  static final int MAX_VALUE = 100;

  @TempDir
  Path dir;

  /** An honest bucket of three entries in chunk 1. */
  static NavigableMap<byte[], byte[]> honest() {
    NavigableMap<byte[], byte[]> bucket = KvFixture.newModel();
    for (int i = 0; i < 3; i++) {
      bucket.put(KvFixture.keyIn(CHUNK, CHUNKS, "k", bucket), b("value " + i));
    }
    return bucket;
  }

  /**
   * A sender that is consistent with itself: a header declaring {@code count} entries of {@code
   * bytes} and the inner digest of {@code entries} as they are, then those entries; {@link
   * #claimed} is the leaf it makes, which a test passes as proven to reach the checks after the
   * header.
   */
  static byte[] encoding(long count, long bytes, byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(KvFixture.header(count, bytes, innerOf(entries)));
    for (byte[] e : entries) {
      out.writeBytes(e);
    }
    return out.toByteArray();
  }

  static Digest innerOf(byte[]... entries) {
    MessageDigest md = KvFixture.sha256();
    for (byte[] e : entries) {
      md.update(KvFixture.sha256().digest(e));
    }
    return Digest.of(md.digest());
  }

  /** The leaf the header of {@code encoding} makes. */
  static Digest claimed(byte[] encoding) {
    ByteBuffer h = ByteBuffer.wrap(encoding);
    long count = h.getLong();
    long bytes = h.getLong();
    return KvFixture.leaf(count, bytes, Digest.of(Arrays.copyOfRange(encoding, 16, 48)));
  }

  static byte[] rawEntry(int keyLength, byte[] key, int valueLength, byte[] value) {
    return ByteBuffer.allocate(8 + key.length + value.length).putInt(keyLength).put(key).putInt(valueLength).put(value)
        .array();
  }

  @Test
  void lyingSendersAreRefusedAndDiscardLeavesNothingStaged() {
    NavigableMap<byte[], byte[]> bucket = honest();
    byte[][] keys = bucket.keySet().toArray(new byte[0][]);
    byte[] e0 = KvFixture.entry(keys[0], bucket.get(keys[0]));
    byte[] e1 = KvFixture.entry(keys[1], bucket.get(keys[1]));
    long twoBytes = e0.length + e1.length;
    byte[] elsewhere = KvFixture.keyIn(2, CHUNKS, "k", bucket);
    byte[] eElsewhere = KvFixture.entry(elsewhere, b("v"));
    Map<String, byte[]> lies = new TreeMap<>();
    lies.put("wrong order", encoding(2, twoBytes, e1, e0));
    lies.put("a key twice", encoding(2, 2L * e0.length, e0, e0));
    lies.put("a key of another bucket", encoding(2, e0.length + eElsewhere.length, e0, eElsewhere));
    lies.put("a key longer than the bound", encoding(2, 10_000, e0, rawEntry(1025, new byte[1025], 0, new byte[0])));
    lies.put("a value longer than the bound", encoding(2, 10_000, e0, rawEntry(1, new byte[1], MAX_VALUE + 1,
        new byte[MAX_VALUE + 1])));
    lies.put("a value beyond the declared bytes", encoding(1, e0.length - 1, e0));
    lies.put("a negative length", encoding(1, 1000, rawEntry(-1, new byte[0], 0, new byte[0])));
    lies.put("more entries than bytes allow", encoding(3, 16, e0));
    lies.put("bytes after the declared end", Arrays.copyOf(KvFixture.encoding(bucket), KvFixture.encoding(bucket).length + 1));
    lies.put("entries and bytes that do not end together", encoding(1, twoBytes, e0, e1));
    lies.put("bytes but no entries", encoding(0, 8, new byte[8]));
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      ChunkReceiver control = kv.receiveChunk(CHUNK, KvFixture.leaf(bucket));
      assertThat(KvFixture.feed(control, KvFixture.encoding(bucket), 5)).as("the honest bucket").isTrue();
      assertThat(control.finish()).isEqualTo(KvFixture.leaf(bucket));
      control.discard();
      for (Map.Entry<String, byte[]> lie : lies.entrySet()) {
        for (int pieceSize : new int[] {1, 5, 1 << 16}) {
          // Proven as the liar's own header claims, so that the checks after the header are what refuse it.
          ChunkReceiver r = kv.receiveChunk(CHUNK, claimed(lie.getValue()));
          assertThat(KvFixture.feed(r, lie.getValue(), pieceSize)).as("%s in pieces of %d", lie.getKey(), pieceSize).isFalse();
          assertThat(r.accept(new byte[1])).as("a spoilt receiver stays spoilt").isFalse();
          assertThat(r.finish()).isNull();
          r.discard();
          assertThat(kv.stagedEntries()).as("%s, discarded", lie.getKey()).isZero();
        }
      }
    }
  }

  /**
   * The attack: a header that declares more than the proven leaf's bucket (a byte count or an entry
   * count of terabytes, or another inner digest), followed by bytes that fit the declaration. The
   * first piece is refused and nothing reaches the staging tables, so the sender cannot fill the
   * disk or the LMDB map; the honest bucket still arrives afterwards.
   */
  @Test
  void aHeaderDeclaringMoreThanTheProvenLeafIsRefusedAtTheFirstPieceWithNothingStaged() {
    NavigableMap<byte[], byte[]> bucket = honest();
    Digest proven = KvFixture.leaf(bucket);
    long entries = bucket.size();
    long bytes = KvFixture.encodedBytes(bucket);
    Digest inner = KvFixture.inner(bucket);
    byte[] body = Arrays.copyOfRange(KvFixture.encoding(bucket), 48, KvFixture.encoding(bucket).length);
    byte[] more = KvFixture.entry(KvFixture.keyIn(CHUNK, CHUNKS, "more", bucket), b("more"));
    Map<String, byte[]> headers = new TreeMap<>();
    headers.put("a terabyte of bytes", KvFixture.header(entries, 1L << 40, inner));
    headers.put("more bytes, one entry more", KvFixture.header(entries + 1, bytes + more.length, inner));
    headers.put("more entries", KvFixture.header(entries + 1_000_000, 1L << 40, inner));
    headers.put("another inner digest", KvFixture.header(entries, bytes, innerOf(more)));
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      for (Map.Entry<String, byte[]> lie : headers.entrySet()) {
        ChunkReceiver r = kv.receiveChunk(CHUNK, proven);
        ByteArrayOutputStream piece = new ByteArrayOutputStream();
        piece.writeBytes(lie.getValue());
        piece.writeBytes(body);
        piece.writeBytes(more);
        assertThat(r.accept(piece.toByteArray())).as(lie.getKey()).isFalse();
        assertThat(kv.stagedEntries()).as("%s: staged before any discard", lie.getKey()).isZero();
        assertThat(r.finish()).isNull();
        r.discard();
      }
      ChunkReceiver honest = kv.receiveChunk(CHUNK, proven);
      assertThat(KvFixture.feed(honest, KvFixture.encoding(bucket), 7)).isTrue();
      assertThat(honest.finish()).isEqualTo(proven);
      kv.install(List.of(honest), 1, new TreeMap<>());
      assertThat(kv.chunkDigests()[CHUNK]).isEqualTo(proven);
      assertThat(KvFixture.get(kv, bucket.firstKey())).isEqualTo(bucket.firstEntry().getValue());
    }
  }

  /**
   * Garbage within the declared size passes the header but not the inner digest: refused at
   * finish, its staging gone with the discard, and it never staged more than the honest bucket.
   */
  @Test
  void garbageWithinTheDeclaredSizeIsRefusedAtFinishAndItsStagingDiscarded() {
    NavigableMap<byte[], byte[]> bucket = honest();
    byte[] flipped = KvFixture.encoding(bucket);
    flipped[flipped.length - 1] ^= 1;
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      ChunkReceiver r = kv.receiveChunk(CHUNK, KvFixture.leaf(bucket));
      assertThat(KvFixture.feed(r, flipped, 3)).isTrue();
      assertThat(kv.stagedEntries()).as("staged before the discard: the honest bucket's size").isEqualTo(6);
      assertThat(r.finish()).isNull();
      assertThat(r.finish()).as("and stays refused").isNull();
      r.discard();
      assertThat(kv.stagedEntries()).isZero();

      ChunkReceiver truncated = kv.receiveChunk(CHUNK, KvFixture.leaf(bucket));
      byte[] whole = KvFixture.encoding(bucket);
      assertThat(truncated.accept(Arrays.copyOf(whole, whole.length - 1))).isTrue();
      assertThat(truncated.finish()).as("an encoding cut short").isNull();
      truncated.discard();
      assertThat(kv.stagedEntries()).isZero();
    }
  }

  @Test
  void aNewReceiverOfTheSameChunkSupersedesTheOldOne() {
    NavigableMap<byte[], byte[]> bucket = honest();
    byte[] whole = KvFixture.encoding(bucket);
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      ChunkReceiver old = kv.receiveChunk(CHUNK, KvFixture.leaf(bucket));
      assertThat(old.accept(Arrays.copyOf(whole, whole.length - 3))).isTrue();
      ChunkReceiver fresh = kv.receiveChunk(CHUNK, KvFixture.leaf(bucket));
      assertThat(old.accept(Arrays.copyOfRange(whole, whole.length - 3, whole.length))).isFalse();
      assertThat(old.finish()).isNull();
      assertThat(KvFixture.feed(fresh, whole, 7)).isTrue();
      assertThat(fresh.finish()).isEqualTo(KvFixture.leaf(bucket));
      old.discard();
      assertThat(kv.stagedEntries()).as("the old one's discard leaves the new one's entries").isEqualTo(6);
      assertThatThrownBy(() -> kv.install(List.of(old), 1, new TreeMap<>())).isInstanceOf(IllegalArgumentException.class);
      kv.install(List.of(fresh), 1, new TreeMap<>());
      assertThat(kv.chunkDigests()[CHUNK]).isEqualTo(KvFixture.leaf(bucket));
      assertThat(kv.stagedEntries()).isZero();
    }
  }

  @Test
  void stagedEntriesNeverInstalledAreGoneAfterReopening() {
    NavigableMap<byte[], byte[]> bucket = honest();
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      assertThat(KvFixture.feed(kv.receiveChunk(CHUNK, KvFixture.leaf(bucket)), KvFixture.encoding(bucket), 1000)).isTrue();
      kv.executed(1, true);
    }
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      assertThat(kv.stagedEntries()).isZero();
      assertThat(kv.stored().sequence()).isEqualTo(1);
    }
  }

  /**
   * A bucket of 50 MiB arrives in 64 KiB pieces: the receiver holds one entry at a time and the
   * staging commits as it goes, so the heap never holds the bucket; the install spans several
   * commits and its marker is gone at the end.
   */
  @Test
  void aLargeBucketArrivesOneEntryAtATimeAndInstallsOverSeveralCommits() {
    int entries = 800;
    int valueBytes = 64 * 1024;
    LmdbKeyValueService.Options options = options(1, valueBytes, 8L << 20);
    Digest expected;
    try (LmdbKeyValueService kv = new LmdbKeyValueService(new ServiceContext(dir, false, 1024), options)) {
      long encodedBytes = (long) entries * (8 + 6 + valueBytes);
      // The header carries the inner digest, so the entries are made twice: once to digest them, once to send them.
      MessageDigest inner = KvFixture.sha256();
      Random random = new Random(11);
      byte[] value = new byte[valueBytes];
      for (int i = 0; i < entries; i++) {
        random.nextBytes(value);
        inner.update(KvFixture.sha256().digest(KvFixture.entry(b(String.format("k%05d", i)), value)));
      }
      Digest innerDigest = Digest.of(inner.digest());
      expected = KvFixture.leaf(entries, encodedBytes, innerDigest);
      ChunkReceiver r = kv.receiveChunk(0, expected);
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      pending.writeBytes(KvFixture.header(entries, encodedBytes, innerDigest));
      random = new Random(11);
      for (int i = 0; i < entries; i++) {
        random.nextBytes(value);
        byte[] entry = KvFixture.entry(b(String.format("k%05d", i)), value);
        pending.writeBytes(entry);
        byte[] held = pending.toByteArray();
        int cut = held.length - held.length % (64 * 1024);
        assertThat(KvFixture.feed(r, Arrays.copyOf(held, cut), 64 * 1024)).isTrue();
        pending.reset();
        pending.write(held, cut, held.length - cut);
      }
      assertThat(r.accept(pending.toByteArray())).isTrue();
      assertThat(r.finish()).isEqualTo(expected);
      LmdbChunkReceiver receiver = (LmdbChunkReceiver) r;
      assertThat(receiver.largestHeld()).as("one entry at most").isEqualTo(6 + valueBytes);
      long received = kv.commits();
      assertThat(received).as("staged across commits of about 8 MiB").isGreaterThanOrEqualTo(5);
      kv.install(List.of(r), 3, new TreeMap<>(Map.of(1, b("entry"))));
      assertThat(kv.commits() - received).as("the install spans commits").isGreaterThanOrEqualTo(3);
    }
    try (LmdbKeyValueService kv = new LmdbKeyValueService(new ServiceContext(dir, false, 1024), options)) {
      assertThat(kv.stored().sequence()).as("no installing marker left, nothing wiped").isEqualTo(3);
      assertThat(kv.chunkDigests()[0]).isEqualTo(expected);
      assertThat(kv.size()).isEqualTo(entries);
      assertThat(KvFixture.get(kv, b("k00799"))).hasSize(valueBytes);
    }
  }
}
