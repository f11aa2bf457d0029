package dev.bft.core.service.kv;

import static dev.bft.core.service.kv.KvFixture.b;
import static dev.bft.core.service.kv.KvFixture.get;
import static dev.bft.core.service.kv.KvFixture.open;
import static dev.bft.core.service.kv.KvFixture.options;
import static dev.bft.core.service.kv.KvFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LmdbKvTransferTest {
  static final int CHUNKS = 16;
  static final int MAX_VALUE = 5000;

  @TempDir
  Path dir;

  /** Puts {@code perChunk} random entries into every bucket but {@code skip}, into the service and the model. */
  static void fill(LmdbKeyValueService kv, NavigableMap<byte[], byte[]> model, Random r, String prefix, int perChunk,
      int skip) {
    for (int c = 0; c < CHUNKS; c++) {
      for (int i = 0; c != skip && i < perChunk; i++) {
        byte[] key = KvFixture.keyIn(c, CHUNKS, prefix, model);
        byte[] value = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(300)];
        r.nextBytes(value);
        run(kv, new KvOperation.Put(key, value));
        model.put(key, value);
      }
    }
  }

  @Test
  void aSnapshotStaysAsTakenWhileTheServiceWritesOnAndReadsFromManyThreadsAgree() throws Exception {
    NavigableMap<byte[], byte[]> model = KvFixture.newModel();
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 4096))) {
      fill(kv, model, new Random(1), "k", 4, 3);
      run(kv, new KvOperation.Put(KvFixture.keyIn(5, CHUNKS, "big", model), new byte[MAX_VALUE]));
      model.put(KvFixture.keyIn(5, CHUNKS, "big", model), new byte[MAX_VALUE]);
      kv.executed(1, true);
      StateSnapshot snapshot = kv.snapshot();
      List<byte[]> encodings = new ArrayList<>();
      for (int c = 0; c < CHUNKS; c++) {
        encodings.add(KvFixture.encoding(KvFixture.bucketOf(model, c, CHUNKS)));
        assertThat(KvFixture.readAll(snapshot, c, 1 + c * 37)).isEqualTo(encodings.get(c));
      }
      assertThat(snapshot.chunkDigests()).containsExactly(KvFixture.leaves(model, CHUNKS));

      for (byte[] key : model.keySet()) {
        run(kv, new KvOperation.Delete(key));
      }
      fill(kv, KvFixture.newModel(), new Random(2), "other", 3, -1);
      kv.executed(2, true);
      run(kv, new KvOperation.Put(b("uncommitted"), b("x")));
      kv.executed(3, false);

      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Boolean>> reads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int maxBytes = new int[] {1, 7, 100, 5000}[t % 4];
          reads.add(pool.submit(() -> {
            for (int c = 0; c < CHUNKS; c++) {
              if (!java.util.Arrays.equals(KvFixture.readAll(snapshot, c, maxBytes), encodings.get(c))) {
                return false;
              }
            }
            return true;
          }));
        }
        for (Future<Boolean> f : reads) {
          assertThat(f.get(60, TimeUnit.SECONDS)).as("a snapshot read after later commits").isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
      snapshot.close();
      assertThat(snapshot.read(0, new byte[0], 100)).as("a read after close").isNull();
      snapshot.close();
    }
  }

  @Test
  void positionsThatTheSnapshotCouldNotHaveGivenYieldNull() {
    NavigableMap<byte[], byte[]> model = KvFixture.newModel();
    try (LmdbKeyValueService kv = open(dir, options(CHUNKS, MAX_VALUE, 1 << 20))) {
      fill(kv, model, new Random(3), "k", 2, -1);
      kv.executed(1, true);
      try (StateSnapshot s = kv.snapshot()) {
        byte[] inFive = KvFixture.bucketOf(model, 5, CHUNKS).firstKey();
        int entryBytes = 8 + inFive.length + model.get(inFive).length;
        StateSnapshot.Piece first = s.read(5, new byte[0], 48 + 4); // the header, and 4 bytes into the first entry
        assertThat(first.next()).isEqualTo(ByteBuffer.allocate(5 + inFive.length).put((byte) 1).putInt(4).put(inFive).array());
        assertThat(s.read(5, first.next(), 10)).isNotNull();
        List<byte[]> bad = List.of(
            new byte[] {0, 0, 0, 0, 0}, new byte[] {0, 0, 0, 0, 48}, new byte[] {0, 0, 0}, new byte[] {2, 0, 0, 0, 0},
            ByteBuffer.allocate(5 + inFive.length).put((byte) 1).putInt(entryBytes).put(inFive).array(),
            ByteBuffer.allocate(5 + inFive.length).put((byte) 1).putInt(-1).put(inFive).array(),
            ByteBuffer.allocate(9).put((byte) 1).putInt(0).put(b("none")).array(),
            ByteBuffer.allocate(5 + 600).put((byte) 1).putInt(0).array(),
            new byte[StateSnapshot.MAX_POSITION_BYTES + 1]);
        for (byte[] p : bad) {
          assertThat(s.read(5, p, 100)).as("position %s", java.util.Arrays.toString(p)).isNull();
        }
        assertThat(s.read(6, first.next(), 100)).as("a key of another bucket").isNull();
        assertThat(s.read(5, new byte[0], 0)).isNull();
        assertThat(s.read(CHUNKS, new byte[0], 10)).isNull();
        assertThat(s.read(-1, new byte[0], 10)).isNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 1000})
  void streamingTheDifferingBucketsMakesTheReceiverEqualTheSender(int maxBytes) {
    Random r = new Random(maxBytes);
    NavigableMap<byte[], byte[]> a = KvFixture.newModel();
    NavigableMap<byte[], byte[]> bModel = KvFixture.newModel();
    try (LmdbKeyValueService sender = open(dir.resolve("a"), options(CHUNKS, MAX_VALUE, 8192));
        LmdbKeyValueService receiver = open(dir.resolve("b"), options(CHUNKS, MAX_VALUE, 8192))) {
      fill(sender, a, r, "k", 3, 3);
      byte[] big = KvFixture.keyIn(9, CHUNKS, "big", a);
      run(sender, new KvOperation.Put(big, new byte[MAX_VALUE]));
      a.put(big, new byte[MAX_VALUE]);
      sender.clientEntry(1, b("x"));
      sender.clientEntry(2, b("y"));
      sender.executed(10, true);
      // The receiver shares some buckets, differs in others, and has entries where the sender's bucket is empty.
      fill(receiver, bModel, new Random(maxBytes), "k", 3, 3);
      for (int c : new int[] {3, 7}) {
        byte[] mine = KvFixture.keyIn(c, CHUNKS, "mine", bModel);
        run(receiver, new KvOperation.Put(mine, b("mine")));
        bModel.put(mine, b("mine"));
      }
      byte[] changed = KvFixture.bucketOf(bModel, 5, CHUNKS).firstKey();
      run(receiver, new KvOperation.Put(changed, b("changed")));
      receiver.clientEntry(3, b("z"));
      receiver.executed(4, true);

      try (StateSnapshot snapshot = sender.snapshot()) {
        Digest[] want = snapshot.chunkDigests();
        Digest[] have = receiver.chunkDigests();
        List<ChunkReceiver> received = new ArrayList<>();
        for (int c = 0; c < CHUNKS; c++) {
          if (!want[c].equals(have[c])) {
            ChunkReceiver rc = receiver.receiveChunk(c, want[c]);
            assertThat(KvFixture.stream(snapshot, c, maxBytes, rc)).isTrue();
            assertThat(rc.finish()).as("chunk %d", c).isEqualTo(want[c]);
            received.add(rc);
          }
        }
        assertThat(received).extracting(ChunkReceiver::chunk).containsExactly(3, 5, 7, 9);
        receiver.install(received, 10, sender.stored().clientEntries());
      }
      assertThat(receiver.stateDigest()).isEqualTo(sender.stateDigest());
      assertThat(receiver.chunkDigests()).containsExactly(KvFixture.leaves(a, CHUNKS));
      for (byte[] key : bModel.keySet()) {
        assertThat(get(receiver, key)).isEqualTo(a.get(key));
      }
      for (byte[] key : a.keySet()) {
        assertThat(get(receiver, key)).isEqualTo(a.get(key));
      }
      assertThat(receiver.size()).isEqualTo(a.size());
      assertThat(receiver.stored().sequence()).isEqualTo(10);
      assertThat(receiver.stored().clientEntries()).containsOnlyKeys(1, 2);
      assertThat(receiver.stagedEntries()).isZero();
    }
  }
}
