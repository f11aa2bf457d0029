package dev.bft.client.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.storage.LmdbStore;
import dev.bft.storage.StorageException;
import dev.bft.storage.Table;
import dev.bft.storage.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallDisksTest {
  @TempDir
  Path dir;

  private static void assumeMountable() {
    String why = SmallDisks.unavailable();
    if (why != null) {
      System.out.println("SmallDisksTest skipped: " + why);
    }
    Assumptions.assumeTrue(why == null, why);
  }

  private static boolean mounted(Path p) throws IOException {
    String point = " " + p.toAbsolutePath().normalize() + " ";
    return Files.readAllLines(Path.of("/proc/self/mounts")).stream().anyMatch(l -> l.contains(point));
  }

  @Test
  void fillingOneReplicasDiskLeavesTheOthersWritableAndDrainingFreesIt() throws IOException {
    assumeMountable();
    Path a = dir.resolve("replica-0");
    Path b = dir.resolve("replica-1");
    try (SmallDisks disks = SmallDisks.mount(List.of(a, b))) {
      assertThat(mounted(a)).isTrue();
      long taken = SmallDisks.fill(a);
      assertThat(taken).isGreaterThan((SmallDisks.SIZE_MB - 1L) << 20).isLessThanOrEqualTo((long) SmallDisks.SIZE_MB << 20);
      assertThatThrownBy(() -> Files.write(a.resolve("data.mdb"), new byte[64 << 10])).isInstanceOf(IOException.class)
          .hasMessageContaining("space");
      Files.write(b.resolve("data.mdb"), new byte[64 << 10]); // the other replica's disk is its own
      SmallDisks.drain(a);
      Files.write(a.resolve("data.mdb"), new byte[64 << 10]);
      assertThat(Files.size(a.resolve("data.mdb"))).isEqualTo(64 << 10);
    }
    assertThat(mounted(a)).as("closing unmounts").isFalse();
    assertThat(mounted(b)).isFalse();
  }

  /** What the fault does to a replica: its store refuses to commit, and keeps what it had committed. */
  @Test
  void aReplicasStoreOnAFullDiskRefusesToCommitWithAStorageErrorAndKeepsWhatItHad() throws IOException {
    assumeMountable();
    Path data = dir.resolve("replica-0");
    try (SmallDisks disks = SmallDisks.mount(List.of(data))) {
      byte[] value = new byte[200 << 10];
      int committed = 0;
      try (LmdbStore store = LmdbStore.open(data, 1L << 30, true, true)) {
        for (; committed < 20; committed++) {
          store.commit(new WriteBatch().put(Table.LOG, key(committed), value));
        }
        SmallDisks.fill(data);
        StorageException refused = null;
        for (int i = committed; i < committed + 400 && refused == null; i++) {
          try {
            store.commit(new WriteBatch().put(Table.LOG, key(i), value));
          } catch (StorageException e) {
            refused = e;
          }
        }
        assertThat(refused).as("a commit on the full disk fails").isNotNull();
        assertThat(refused.getMessage()).contains(data.toString());
      }
      SmallDisks.drain(data);
      try (LmdbStore store = LmdbStore.open(data, 1L << 30, true, false)) {
        for (int i = 0; i < committed; i++) {
          assertThat(store.get(Table.LOG, key(i))).as("record %d", i).isEqualTo(value);
        }
      }
    }
  }

  private static byte[] key(int i) {
    return java.nio.ByteBuffer.allocate(8).putLong(i).array();
  }

  @Test
  void disksAKilledRunLeftMountedAreReleasedBeforeTheNextRun() throws IOException {
    assumeMountable();
    Path data = dir.resolve("data");
    Path left = data.resolve("replica-0");
    SmallDisks.mount(List.of(left)); // never closed, as by a run that was killed
    Files.writeString(left.resolve("service"), "kv", StandardCharsets.UTF_8);
    assertThat(mounted(left)).isTrue();
    SmallDisks.releaseLeftovers(data);
    assertThat(mounted(left)).isFalse();
    NemesisCluster.deleteTree(data);
    assertThat(data).doesNotExist();
  }
}
