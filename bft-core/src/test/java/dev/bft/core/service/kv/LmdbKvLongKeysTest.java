package dev.bft.core.service.kv;

import static dev.bft.core.service.kv.KvFixture.CTX;
import static dev.bft.core.service.kv.KvFixture.b;
import static dev.bft.core.service.kv.KvFixture.get;
import static dev.bft.core.service.kv.KvFixture.open;
import static dev.bft.core.service.kv.KvFixture.options;
import static dev.bft.core.service.kv.KvFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.service.StateSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys longer than LMDB's keys (507 bytes after the bucket prefix) are taken up to the heap
 * service's bound, 1024 bytes, and behave as short ones do: operations, digests, snapshots, state
 * transfer and reopening.
 */
class LmdbKvLongKeysTest {
  static final int CHUNKS = 4;
  static final int MAX_VALUE = 2000;
  static final int MAX_KEY = LmdbKeyValueService.Options.LONGEST_KEY;

  @TempDir
  Path dir;

  /** A key of {@code length} bytes in bucket {@code chunk}, distinct for each {@code tag}. */
  static byte[] key(int length, int chunk, String tag) {
    for (int i = 0; ; i++) {
      byte[] k = Arrays.copyOf((tag + "/" + i + "/").getBytes(StandardCharsets.UTF_8), length);
      Arrays.fill(k, Math.min(length, tag.length() + 8), length, (byte) 'x');
      if (KvFixture.bucket(k, CHUNKS) == chunk) {
        return k;
      }
    }
  }

  /** A short key that looks like a hashed key's name: the marker then 32 bytes. */
  static byte[] nameShaped(int chunk) {
    for (int i = 0; ; i++) {
      byte[] k = ByteBuffer.allocate(40).put(KvFixture.MARKER).putInt(i).array();
      if (KvFixture.bucket(k, CHUNKS) == chunk) {
        return k;
      }
    }
  }

  @Test
  void keysOfEverySizeUpToTheHeapServicesBoundWorkAndOneMoreIsRefusedAlike() {
    KeyValueService heap = new KeyValueService(CHUNKS, KeyValueService.DEFAULT_MAX_KEY, MAX_VALUE);
    assertThat(MAX_KEY).isEqualTo(KeyValueService.DEFAULT_MAX_KEY);
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      List<KvOperation> ops = new ArrayList<>();
      for (int length : new int[] {1, 507, 508, 1000, MAX_KEY}) {
        byte[] k = new byte[length];
        Arrays.fill(k, (byte) 7);
        ops.addAll(List.of(new KvOperation.Put(k, b("v" + length)), new KvOperation.Get(k),
            new KvOperation.Cas(k, b("wrong"), b("no")), new KvOperation.Cas(k, b("v" + length), b("w" + length)),
            new KvOperation.Get(k), new KvOperation.Delete(k), new KvOperation.Get(k), new KvOperation.Cas(k, null, b("z")),
            new KvOperation.Get(k)));
      }
      for (KvOperation op : ops) {
        byte[] result = kv.execute(op.encode(), CTX);
        assertThat(result).as("%s of a %d-byte key", op.getClass().getSimpleName(), op.key().length)
            .isEqualTo(heap.execute(op.encode(), CTX));
        assertThat(KvResult.decode(result).status()).isNotEqualTo(KvResult.Status.ERROR);
      }
      byte[] full = new byte[MAX_KEY];
      Arrays.fill(full, (byte) 7);
      assertThat(get(kv, full)).isEqualTo(b("z"));
      assertThat(get(kv, new byte[] {7})).isEqualTo(b("z"));
      assertThat(kv.size()).isEqualTo(5);

      for (KvOperation op : List.of(new KvOperation.Put(new byte[MAX_KEY + 1], b("v")),
          new KvOperation.Get(new byte[MAX_KEY + 1]))) {
        KvResult refused = KvResult.decode(kv.execute(op.encode(), CTX));
        assertThat(refused.status()).isEqualTo(KvResult.Status.ERROR);
        assertThat(new String(refused.value(), StandardCharsets.UTF_8))
            .isEqualTo("a key of 1025 bytes is longer than the 1024 this service takes");
        assertThat(kv.execute(op.encode(), CTX)).isEqualTo(heap.execute(op.encode(), CTX));
        assertThat(kv.executeReadOnly(op.encode())).isEqualTo(heap.executeReadOnly(op.encode()));
      }
    }
  }

  @Test
  void aShortKeyShapedLikeAHashedKeysNameDoesNotMeetTheLongKeyOfThatName() {
    byte[] longKey = key(700, 2, "long");
    // The name longKey is stored under; written as a key, it must be a key of its own.
    byte[] itsName = ByteBuffer.allocate(40).put(KvFixture.MARKER).put(KvFixture.sha256().digest(longKey)).array();
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      run(kv, new KvOperation.Put(longKey, b("long")));
      run(kv, new KvOperation.Put(itsName, b("short")));
      run(kv, new KvOperation.Put(nameShaped(2), b("shaped")));
      assertThat(get(kv, longKey)).isEqualTo(b("long"));
      assertThat(get(kv, itsName)).isEqualTo(b("short"));
      assertThat(get(kv, nameShaped(2))).isEqualTo(b("shaped"));
      assertThat(kv.size()).isEqualTo(3);
    }
  }

  /** Short, boundary, long and name-shaped keys in every bucket, into the service and the model. */
  static void fill(LmdbKeyValueService kv, NavigableMap<byte[], byte[]> model, String tag) {
    for (int c = 0; c < CHUNKS; c++) {
      for (byte[] k : List.of(key(3, c, tag), key(507, c, tag), key(508, c, tag), key(MAX_KEY, c, tag),
          key(600, c, tag + "b"), nameShaped(c))) {
        byte[] v = (tag + c + k.length).repeat(k.length % 7 == 0 ? 100 : 1).getBytes(StandardCharsets.UTF_8);
        run(kv, new KvOperation.Put(k, v));
        model.put(k, v);
      }
    }
  }

  @Test
  void bucketsWithLongKeysHaveTheSpecifiedDigestsAndEncodingsAndTransferWhole() {
    NavigableMap<byte[], byte[]> model = KvFixture.newModel();
    try (LmdbKeyValueService sender = open(dir.resolve("a"), options(CHUNKS, MAX_VALUE, 4096));
        LmdbKeyValueService receiver = open(dir.resolve("b"), options(CHUNKS, MAX_VALUE, 4096))) {
      fill(sender, model, "s");
      sender.executed(1, true);
      assertThat(sender.chunkDigests()).containsExactly(KvFixture.leaves(model, CHUNKS));
      fill(receiver, KvFixture.newModel(), "r");
      receiver.executed(1, true);
      try (StateSnapshot snapshot = sender.snapshot()) {
        List<ChunkReceiver> received = new ArrayList<>();
        for (int c = 0; c < CHUNKS; c++) {
          // Pieces of 7 bytes cut every long key's entry, so positions name hashed keys.
          assertThat(KvFixture.readAll(snapshot, c, 7)).isEqualTo(KvFixture.encoding(KvFixture.bucketOf(model, c, CHUNKS)));
          ChunkReceiver rc = receiver.receiveChunk(c, snapshot.chunkDigests()[c]);
          assertThat(KvFixture.stream(snapshot, c, 100, rc)).isTrue();
          assertThat(rc.finish()).isEqualTo(snapshot.chunkDigests()[c]);
          received.add(rc);
        }
        receiver.install(received, 1, new TreeMap<>());
      }
      assertThat(receiver.stateDigest()).isEqualTo(sender.stateDigest());
      assertThat(receiver.size()).isEqualTo(model.size());
      for (byte[] k : model.keySet()) {
        assertThat(get(receiver, k)).as("a %d-byte key", k.length).isEqualTo(model.get(k));
      }
      // The receiver writes on over what it installed.
      byte[] longKey = model.lastKey();
      run(receiver, new KvOperation.Delete(longKey));
      model.remove(longKey);
      receiver.executed(2, true);
      assertThat(receiver.chunkDigests()).containsExactly(KvFixture.leaves(model, CHUNKS));
    }
  }

  @Test
  void aBucketInKeyOrderRatherThanNameOrderIsRefused() {
    byte[] shortKey = key(3, 1, "k");
    byte[] longKey = key(600, 1, "k");
    NavigableMap<byte[], byte[]> byKey = new TreeMap<>(Arrays::compareUnsigned);
    byKey.put(shortKey, b("a"));
    byKey.put(longKey, b("b"));
    NavigableMap<byte[], byte[]> byName = KvFixture.newModel();
    byName.putAll(byKey);
    // Reversed, so the order that is refused is never the order by name, whatever the hashes are.
    NavigableMap<byte[], byte[]> wrong = Arrays.equals(byKey.firstKey(), byName.firstKey()) ? byKey.descendingMap() : byKey;
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      // Its header makes the leaf it is proven against: only the order can refuse it.
      ChunkReceiver r = kv.receiveChunk(1, KvFixture.leaf(wrong));
      assertThat(KvFixture.feed(r, KvFixture.encoding(wrong), 50)).isFalse();
      r.discard();
      ChunkReceiver right = kv.receiveChunk(1, KvFixture.leaf(byName));
      assertThat(KvFixture.feed(right, KvFixture.encoding(byName), 50)).isTrue();
      assertThat(right.finish()).isEqualTo(KvFixture.leaf(byName));
    }
  }

  @Test
  void longKeysCommittedSurviveReopeningAndUncommittedOnesAreGone() {
    NavigableMap<byte[], byte[]> model = KvFixture.newModel();
    byte[] later = key(900, 3, "later");
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      fill(kv, model, "k");
      kv.executed(5, true);
      run(kv, new KvOperation.Put(later, b("lost")));
      run(kv, new KvOperation.Delete(model.lastKey()));
      kv.executed(6, false);
    }
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      assertThat(kv.stored().sequence()).isEqualTo(5);
      assertThat(kv.chunkDigests()).containsExactly(KvFixture.leaves(model, CHUNKS));
      assertThat(get(kv, later)).isNull();
      for (byte[] k : model.keySet()) {
        assertThat(get(kv, k)).isEqualTo(model.get(k));
      }
    }
  }
}
