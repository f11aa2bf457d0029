package dev.bft.core.service.kv;

import static dev.bft.core.service.kv.KvFixture.CTX;
import static dev.bft.core.service.kv.KvFixture.b;
import static dev.bft.core.service.kv.KvFixture.get;
import static dev.bft.core.service.kv.KvFixture.open;
import static dev.bft.core.service.kv.KvFixture.options;
import static dev.bft.core.service.kv.KvFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.service.DurableState;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.service.MerkleTree;
import dev.bft.core.service.ServiceContext;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbKeyValueServiceTest {
  static final int CHUNKS = 16;
  static final int MAX_VALUE = 300;
  static final int MAX_KEY = LmdbKeyValueService.Options.LONGEST_KEY;

  @TempDir
  Path dir;

  static byte[] randomBytes(Random r, int max) {
    int length = switch (r.nextInt(6)) {
      case 0 -> 0;
      case 1 -> max;
      default -> r.nextInt(Math.min(max, 20) + 1);
    };
    byte[] out = new byte[length];
    r.nextBytes(out);
    return out;
  }

  /** Keys from a small pool, so operations hit and miss; some empty or of the longest size. */
  static List<byte[]> keyPool(Random r) {
    List<byte[]> keys = new ArrayList<>();
    keys.add(new byte[0]);
    keys.add(new byte[MAX_KEY]);
    for (int i = 0; i < 40; i++) {
      keys.add(randomBytes(r, MAX_KEY));
    }
    return keys;
  }

  static KvOperation randomOperation(Random r, List<byte[]> keys) {
    byte[] key = keys.get(r.nextInt(keys.size()));
    return switch (r.nextInt(5)) {
      case 0, 1 -> new KvOperation.Put(key, randomBytes(r, MAX_VALUE));
      case 2 -> new KvOperation.Get(key);
      case 3 -> new KvOperation.Delete(key);
      default -> new KvOperation.Cas(key, r.nextBoolean() ? null : randomBytes(r, 3), randomBytes(r, MAX_VALUE));
    };
  }

  @Test
  void givesTheHeapServicesResultsByteForByte() {
    long seed = new Random().nextLong();
    System.out.println("LmdbKeyValueServiceTest differential seed " + seed);
    Random r = new Random(seed);
    KeyValueService heap = new KeyValueService(CHUNKS, MAX_KEY, MAX_VALUE);
    // A small commit size, so that commits by size come between batches as well as at checkpoints.
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 4096))) {
      List<byte[]> keys = keyPool(r);
      long sequence = 0;
      for (int i = 0; i < 3000; i++) {
        byte[] op = randomOperation(r, keys).encode();
        if (r.nextInt(20) == 0) {
          op = Arrays.copyOf(op, r.nextInt(op.length + 2));
        }
        assertThat(kv.execute(op, CTX)).as("seed %d, operation %d", seed, i).isEqualTo(heap.execute(op, CTX));
        assertThat(kv.executeReadOnly(op)).as("seed %d, read-only %d", seed, i).isEqualTo(heap.executeReadOnly(op));
        if (r.nextInt(10) == 0) {
          kv.executed(++sequence, r.nextInt(5) == 0);
        }
      }
      kv.executed(++sequence, true);
      assertThat(kv.size()).isEqualTo(heap.size());
      for (byte[] k : keys) {
        byte[] get = new KvOperation.Get(k).encode();
        assertThat(kv.executeReadOnly(get)).as("seed %d", seed).isEqualTo(heap.executeReadOnly(get));
      }
      byte[] tooLong = new KvOperation.Put(new byte[MAX_KEY + 1], b("v")).encode();
      assertThat(KvResult.decode(kv.execute(tooLong, CTX)).status()).isEqualTo(KvResult.Status.ERROR);
    }
  }

  @Test
  void theIncrementalRootEqualsTheSpecificationsAndSurvivesReopening() {
    long seed = new Random().nextLong();
    System.out.println("LmdbKeyValueServiceTest digest seed " + seed);
    Random r = new Random(seed);
    NavigableMap<byte[], byte[]> model = KvFixture.newModel();
    List<byte[]> keys = keyPool(r);
    Digest root;
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 2048))) {
      assertThat(kv.chunkDigests()).containsExactly(KvFixture.leaves(model, CHUNKS));
      for (int round = 0; round < 20; round++) {
        for (int i = r.nextInt(40); i >= 0; i--) {
          byte[] key = keys.get(r.nextInt(keys.size()));
          if (r.nextInt(3) == 0) {
            run(kv, new KvOperation.Delete(key));
            model.remove(key);
          } else {
            byte[] value = randomBytes(r, MAX_VALUE);
            run(kv, new KvOperation.Put(key, value));
            model.put(key, value);
          }
        }
        kv.executed(round, r.nextBoolean());
        Digest[] expected = KvFixture.leaves(model, CHUNKS);
        assertThat(kv.chunkDigests()).as("seed %d round %d", seed, round).containsExactly(expected);
        assertThat(kv.stateDigest()).isEqualTo(MerkleTree.root(expected));
      }
      kv.executed(99, true);
      root = kv.stateDigest();
    }
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 2048))) {
      assertThat(kv.stateDigest()).as("the leaves stored with the state").isEqualTo(root);
      assertThat(kv.chunkDigests()).containsExactly(KvFixture.leaves(model, CHUNKS));
      assertThat(kv.size()).isEqualTo(model.size());
    }
  }

  @Test
  void aWriteChangesExactlyItsBucketsLeaf() {
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      for (int i = 0; i < 50; i++) {
        run(kv, new KvOperation.Put(b("k" + i), b("v" + i)));
      }
      Digest[] before = kv.chunkDigests();
      run(kv, new KvOperation.Put(b("k7"), b("changed")));
      Digest[] after = kv.chunkDigests();
      List<Integer> changed = new ArrayList<>();
      for (int c = 0; c < CHUNKS; c++) {
        if (!before[c].equals(after[c])) {
          changed.add(c);
        }
      }
      assertThat(changed).containsExactly(KvFixture.bucket(b("k7"), CHUNKS));
      run(kv, new KvOperation.Put(b("k7"), b("v7")));
      assertThat(kv.chunkDigests()).as("writing the old value back restores the leaf").containsExactly(before);
    }
  }

  @Test
  void whatWasCommittedIsStoredWithItsClientEntriesAndWhatWasNotIsGone() {
    Digest committed;
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      assertThat(kv.stored()).as("a fresh service").isNull();
      run(kv, new KvOperation.Put(b("a"), b("1")));
      kv.clientEntry(1000, b("reply to 1"));
      kv.clientEntry(7, b("reply to 2"));
      kv.executed(5, true);
      committed = kv.stateDigest();
      run(kv, new KvOperation.Put(b("a"), b("2")));
      run(kv, new KvOperation.Put(b("b"), b("3")));
      kv.clientEntry(1000, b("reply to 3"));
      kv.executed(6, false);
      assertThat(get(kv, b("a"))).as("reads see the open transaction").isEqualTo(b("2"));
      kv.sync();
    }
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      DurableState.Stored stored = kv.stored();
      assertThat(stored.sequence()).isEqualTo(5);
      assertThat(stored.clientEntries()).containsOnlyKeys(7, 1000);
      assertThat(stored.clientEntries().get(1000)).isEqualTo(b("reply to 1"));
      assertThat(kv.stateDigest()).isEqualTo(committed);
      assertThat(get(kv, b("a"))).isEqualTo(b("1"));
      assertThat(get(kv, b("b"))).isNull();
    }
  }

  @Test
  void aCommitBySizeStoresTheBatchesBeforeIt() {
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1000))) {
      run(kv, new KvOperation.Put(b("a"), new byte[MAX_VALUE]));
      run(kv, new KvOperation.Put(b("b"), new byte[MAX_VALUE]));
      kv.executed(1, false);
      run(kv, new KvOperation.Put(b("c"), new byte[MAX_VALUE]));
      run(kv, new KvOperation.Put(b("d"), new byte[MAX_VALUE]));
      kv.executed(2, false);
      assertThat(kv.commits()).as("more than 1000 bytes written by batch 2").isEqualTo(1);
      run(kv, new KvOperation.Put(b("e"), new byte[1]));
      kv.executed(3, false);
    }
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1000))) {
      assertThat(kv.stored().sequence()).isEqualTo(2);
      assertThat(kv.size()).isEqualTo(4);
    }
  }

  @Test
  void anInstallingMarkerFoundAtOpenWipesTheState() {
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      run(kv, new KvOperation.Put(b("a"), b("1")));
      kv.clientEntry(1, b("x"));
      kv.executed(5, true);
    }
    // What an install that stopped between two of its commits leaves behind.
    try (LmdbTables t = LmdbTables.open(dir.resolve("kv"), 256 << 20, false, "", KvLayout.TABLES);
        LmdbTables.Writer w = t.write()) {
      w.put(t.table(KvLayout.META), KvLayout.INSTALLING, new byte[] {1});
      w.commit();
    }
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      assertThat(kv.stored()).isNull();
      assertThat(kv.size()).isZero();
      assertThat(get(kv, b("a"))).isNull();
      assertThat(kv.chunkDigests()).containsExactly(KvFixture.leaves(KvFixture.newModel(), CHUNKS));
    }
  }

  /** A directory whose leaf records have no inner digest holds another bucket digest: refused, saying why. */
  @Test
  void leafRecordsOfTheEarlierDigestAreRefusedWithAReason() {
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      run(kv, new KvOperation.Put(b("a"), b("1")));
      kv.executed(1, true);
    }
    int bucket = KvFixture.bucket(b("a"), CHUNKS);
    try (LmdbTables t = LmdbTables.open(dir.resolve("kv"), 256 << 20, false, "", KvLayout.TABLES);
        LmdbTables.Writer w = t.write()) {
      byte[] record = w.get(t.table(KvLayout.LEAVES), KvLayout.int4(bucket));
      assertThat(record).hasSize(KvLayout.LEAF_RECORD_BYTES);
      w.put(t.table(KvLayout.LEAVES), KvLayout.int4(bucket), Arrays.copyOf(record, KvLayout.OLD_LEAF_RECORD_BYTES));
      w.commit();
    }
    assertThatThrownBy(() -> open(dir, options(CHUNKS, MAX_VALUE, 1 << 20)).close())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("earlier version");
  }

  @Test
  void aSnapshotAmidABatchAndAChangedBucketCountAreRefused() {
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      run(kv, new KvOperation.Put(b("a"), b("1")));
      assertThatThrownBy(kv::snapshot).isInstanceOf(IllegalStateException.class).hasMessageContaining("half applied");
      kv.executed(1, true);
    }
    assertThatThrownBy(() -> open(dir, options(32, MAX_VALUE, 1 << 20)).close())
        .hasMessageContaining("16 buckets, this service 32");
    assertThatThrownBy(() -> new LmdbKeyValueService.Provider().create()).isInstanceOf(IllegalStateException.class);
    try (var kv = (LmdbKeyValueService) new LmdbKeyValueService.Provider().create(new ServiceContext(dir.resolve("p"), true, 64))) {
      assertThat(kv.chunkCount()).isEqualTo(LmdbKeyValueService.Options.DEFAULT_CHUNKS);
      assertThat(run(kv, new KvOperation.Put(b("a"), b("1")))).isEqualTo(KvResult.OK);
      kv.executed(1, true);
      kv.sync();
    }
  }
}
