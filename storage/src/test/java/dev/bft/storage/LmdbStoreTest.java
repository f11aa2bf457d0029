package dev.bft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbStoreTest {
  @TempDir
  Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] seq(long s) {
    return java.nio.ByteBuffer.allocate(8).putLong(s).array();
  }

  @Test
  void whatWasCommittedIsThereAfterReopening() {
    try (LmdbStore store = LmdbStore.open(dir, 16 << 20, true, true)) {
      store.commit(new WriteBatch().put(Table.META, b("view"), b("7")).put(Table.LOG, seq(3), b("c")).put(Table.LOG, seq(1), b("a")));
    }
    try (LmdbStore store = LmdbStore.open(dir, 16 << 20, true, false)) {
      assertThat(store.get(Table.META, b("view"))).isEqualTo(b("7"));
      List<String> inOrder = new ArrayList<>();
      store.forEach(Table.LOG, (k, v) -> inOrder.add(new String(v, StandardCharsets.UTF_8)));
      assertThat(inOrder).as("big-endian keys sort by sequence").containsExactly("a", "c");
    }
  }

  @Test
  void deleteBelowRemovesExactlyTheLowerKeysInTheSameTransaction() {
    try (LmdbStore store = LmdbStore.open(dir, 16 << 20, true, true)) {
      WriteBatch w = new WriteBatch();
      for (long s = 1; s <= 10; s++) {
        w.put(Table.LOG, seq(s), b("r" + s));
      }
      store.commit(w);
      store.commit(new WriteBatch().deleteBelow(Table.LOG, seq(6)).put(Table.META, b("stable"), seq(5)));
      List<Long> left = new ArrayList<>();
      store.forEach(Table.LOG, (k, v) -> left.add(java.nio.ByteBuffer.wrap(k).getLong()));
      assertThat(left).containsExactly(6L, 7L, 8L, 9L, 10L);
      assertThat(store.count(Table.LOG)).isEqualTo(5);
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    try (LmdbStore first = LmdbStore.open(dir, 16 << 20, true, true)) {
      assertThatThrownBy(() -> LmdbStore.open(dir, 16 << 20, true, true)).isInstanceOf(StorageException.class)
          .hasMessageStartingWith(dir.toString()).hasMessageContaining("already open");
    }
    LmdbStore.open(dir, 16 << 20, true, false).close();
  }

  @Test
  void missingCorruptOrMisplacedDataFailsWithOneLineAndStartsNothing() throws Exception {
    Path missing = dir.resolve("nothing");
    assertThatThrownBy(() -> LmdbStore.open(missing, 16 << 20, true, false)).hasMessage(missing + ": no replica data here (expected data.mdb)");
    assertThat(missing).doesNotExist();

    Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
    Files.write(corrupt.resolve("data.mdb"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    assertThatThrownBy(() -> LmdbStore.open(corrupt, 16 << 20, true, false)).isInstanceOf(StorageException.class)
        .hasMessageStartingWith(corrupt + ": not a usable LMDB environment");
    assertThat(Files.readAllBytes(corrupt.resolve("data.mdb"))).as("untouched").hasSize(16);

    Path file = Files.writeString(dir.resolve("afile"), "x");
    assertThatThrownBy(() -> LmdbStore.open(file, 16 << 20, true, true)).hasMessageContaining("is a file");
  }

  @Test
  void aFullMapIsAClearErrorAndTheStoreStaysUsable() {
    try (LmdbStore store = LmdbStore.open(dir, 1 << 20, true, true)) {
      byte[] big = new byte[64 << 10];
      assertThatThrownBy(() -> {
        for (int i = 0; i < 100; i++) {
          store.commit(new WriteBatch().put(Table.STATE, seq(i), big));
        }
      }).isInstanceOf(StorageException.class).hasMessageContaining("map is full");
      store.commit(new WriteBatch().put(Table.META, b("still"), b("works")));
      assertThat(store.get(Table.META, b("still"))).isEqualTo(b("works"));
    }
  }
}
