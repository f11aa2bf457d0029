package dev.bft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes and reads while the collector runs all the time. The native copies of keys and values a
 * put hands to LMDB must outlive the call: lmdbjava 0.9.1's byte-array proxy let the collector free
 * them during mdb_put (lmdbjava issue 252), which wrote garbage or crashed the replica (a SIGSEGV
 * in mdb_node_search seen in a real-cluster test). Every value must read back exactly as written.
 */
class LmdbStoreUnderGcTest {
  @TempDir
  Path dir;

  @Test
  void everyValueReadsBackAsWrittenWhileTheCollectorRuns() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    Thread collector = new Thread(() -> {
      while (!done.get()) {
        System.gc();
      }
    }, "gc-pressure");
    collector.setDaemon(true);
    Random random = new Random(252);
    int keys = 4_000;
    byte[][] written = new byte[keys][];
    try (LmdbStore store = LmdbStore.open(dir, 64L << 20, false, true)) {
      collector.start();
      for (int round = 0; round < 40; round++) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < keys; i += 1 + random.nextInt(3)) {
          byte[] value = new byte[8 + random.nextInt(200)];
          random.nextBytes(value);
          written[i] = value;
          batch.put(Table.LOG, key(i), value);
        }
        store.commit(batch);
        for (int i = 0; i < keys; i += 97) {
          assertThat(store.get(Table.LOG, key(i))).as("round %d key %d", round, i).isEqualTo(written[i]);
        }
      }
      done.set(true);
      collector.join();
      int[] seen = {0};
      store.forEach(Table.LOG, (k, v) -> {
        int i = ByteBuffer.wrap(k).getInt();
        assertThat(i).as("a key that was never written").isBetween(0, keys - 1);
        assertThat(Arrays.equals(v, written[i])).as("value of key %d", i).isTrue();
        seen[0]++;
      });
      assertThat(seen[0]).isEqualTo((int) Arrays.stream(written).filter(w -> w != null).count());
    } finally {
      done.set(true);
    }
  }

  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }
}
