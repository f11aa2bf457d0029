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

  /** A header declaring {@code count} entries of {@code bytes}, then {@code entries} as they are. */
  static byte[] encoding(long count, long bytes, byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(16).putLong(count).putLong(bytes).array());
    for (byte[] e : entries) {
      out.writeBytes(e);
    }
    return out.toByteArray();
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
      ChunkReceiver control = kv.receiveChunk(CHUNK);
      assertThat(KvFixture.feed(control, KvFixture.encoding(bucket), 5)).as("the honest bucket").isTrue();
      assertThat(control.finish()).isEqualTo(KvFixture.leaf(bucket));
      control.discard();
      for (Map.Entry<String, byte[]> lie : lies.entrySet()) {
        for (int pieceSize : new int[] {1, 5, 1 << 16}) {
          ChunkReceiver r = kv.receiveChunk(CHUNK);
          assertThat(KvFixture.feed(r, lie.getValue(), pieceSize)).as("%s in pieces of %d", lie.getKey(), pieceSize).isFalse();
          assertThat(r.accept(new byte[1])).as("a spoilt receiver stays spoilt").isFalse();
          assertThat(r.finish()).isNull();
          r.discard();
          assertThat(kv.stagedEntries()).as("%s, discarded", lie.getKey()).isZero();
        }
      }
    }
  }

  @Test
  void aFlippedValueByteIsAcceptedButTheDigestGivesItAway() {
    NavigableMap<byte[], byte[]> bucket = honest();
    byte[] flipped = KvFixture.encoding(bucket);
    flipped[flipped.length - 1] ^= 1;
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      ChunkReceiver r = kv.receiveChunk(CHUNK);
      assertThat(KvFixture.feed(r, flipped, 3)).isTrue();
      assertThat(r.finish()).isNotNull().isNotEqualTo(KvFixture.leaf(bucket));
      assertThat(kv.stagedEntries()).as("staged before the discard").isEqualTo(6);
      r.discard();
      assertThat(kv.stagedEntries()).isZero();

      ChunkReceiver truncated = kv.receiveChunk(CHUNK);
      byte[] whole = KvFixture.encoding(bucket);
      assertThat(truncated.accept(Arrays.copyOf(whole, whole.length - 1))).isTrue();
      assertThat(truncated.finish()).as("an encoding cut short").isNull();
      truncated.discard();
    }
  }

  @Test
  void aNewReceiverOfTheSameChunkSupersedesTheOldOne() {
    NavigableMap<byte[], byte[]> bucket = honest();
    byte[] whole = KvFixture.encoding(bucket);
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      ChunkReceiver old = kv.receiveChunk(CHUNK);
      assertThat(old.accept(Arrays.copyOf(whole, whole.length - 3))).isTrue();
      ChunkReceiver fresh = kv.receiveChunk(CHUNK);
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
      assertThat(KvFixture.feed(kv.receiveChunk(CHUNK), KvFixture.encoding(bucket), 1000)).isTrue();
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
      ChunkReceiver r = kv.receiveChunk(0);
      long encodedBytes = (long) entries * (8 + 6 + valueBytes);
      MessageDigest leaf = KvFixture.sha256();
      leaf.update(b("kv-bucket"));
      leaf.update(ByteBuffer.allocate(16).putLong(entries).putLong(encodedBytes).array());
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      pending.writeBytes(ByteBuffer.allocate(16).putLong(entries).putLong(encodedBytes).array());
      Random random = new Random(11);
      byte[] value = new byte[valueBytes];
      for (int i = 0; i < entries; i++) {
        random.nextBytes(value);
        byte[] entry = KvFixture.entry(b(String.format("k%05d", i)), value);
        leaf.update(KvFixture.sha256().digest(entry));
        pending.writeBytes(entry);
        byte[] held = pending.toByteArray();
        int cut = held.length - held.length % (64 * 1024);
        assertThat(KvFixture.feed(r, Arrays.copyOf(held, cut), 64 * 1024)).isTrue();
        pending.reset();
        pending.write(held, cut, held.length - cut);
      }
      assertThat(r.accept(pending.toByteArray())).isTrue();
      expected = Digest.of(leaf.digest());
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
