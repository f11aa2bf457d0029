package dev.bft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbTablesTest {
  @TempDir
  Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  LmdbTables open() {
    return LmdbTables.open(dir, 16 << 20, true, "raise the map size", List.of("A", "B"));
  }

  List<String> keys(LmdbTables.Reader r, LmdbTables.Handle t, String from, String to) {
    List<String> out = new ArrayList<>();
    r.scan(t, b(from), b(to), (k, v) -> out.add(s(k)));
    return out;
  }

  @Test
  void scansVisitAHalfOpenRangeInByteOrderAndStopWhenTheVisitorSays() {
    try (LmdbTables tables = open(); LmdbTables.Writer w = tables.write()) {
      LmdbTables.Handle a = tables.table("A");
      for (String k : List.of("b", "a", "c2", "c", "d")) {
        w.put(a, b(k), b("v" + k));
      }
      assertThat(keys(w, a, "b", "d")).containsExactly("b", "c", "c2");
      assertThat(keys(w, a, "bb", "zz")).containsExactly("c", "c2", "d");
      List<String> seen = new ArrayList<>();
      assertThat(w.scan(a, b("a"), b("z"), (k, v) -> seen.add(s(v)) && seen.size() < 2)).isFalse();
      assertThat(seen).containsExactly("va", "vb");
    }
  }

  @Test
  void rangeDeletesAndMovesStopAtTheBudgetAndResume() {
    try (LmdbTables tables = open(); LmdbTables.Writer w = tables.write()) {
      LmdbTables.Handle a = tables.table("A");
      LmdbTables.Handle bt = tables.table("B");
      for (int i = 0; i < 10; i++) {
        w.put(a, b("k" + i), new byte[100]);
      }
      long before = w.written();
      assertThat(w.moveRange(a, bt, b("k2"), b("k8"), before + 150)).as("the budget stops it").isFalse();
      assertThat(keys(w, bt, "", "z")).containsExactly("k2", "k3");
      assertThat(w.moveRange(a, bt, b("k2"), b("k8"), Long.MAX_VALUE)).isTrue();
      assertThat(keys(w, bt, "", "z")).containsExactly("k2", "k3", "k4", "k5", "k6", "k7");
      assertThat(keys(w, a, "", "z")).containsExactly("k0", "k1", "k8", "k9");
      assertThat(w.get(bt, b("k5"))).hasSize(100);
      assertThat(w.deleteRange(a, b("k1"), b("k9"), Long.MAX_VALUE)).isTrue();
      assertThat(keys(w, a, "", "z")).containsExactly("k0", "k9");
      w.clear(bt);
      assertThat(w.count(bt)).isZero();
    }
  }

  @Test
  void aReadTransactionKeepsItsViewAndMayBeReadFromAnotherThread() throws Exception {
    try (LmdbTables tables = open()) {
      LmdbTables.Handle a = tables.table("A");
      LmdbTables.Writer w = tables.write();
      w.put(a, b("k"), b("old"));
      w.commit();
      try (LmdbTables.Reader r = tables.read()) {
        LmdbTables.Writer w2 = tables.write();
        w2.put(a, b("k"), b("new"));
        w2.commit();
        String seen = CompletableFuture.supplyAsync(() -> s(r.get(a, b("k")))).get(30, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo("old");
      }
      try (LmdbTables.Reader r = tables.read()) {
        assertThat(s(r.get(a, b("k")))).isEqualTo("new");
      }
    }
  }

  @Test
  void syncFromAnotherThreadWhileAWriteTransactionIsOpen() throws Exception {
    try (LmdbTables tables = open(); LmdbTables.Writer w = tables.write()) {
      w.put(tables.table("A"), b("k"), b("v"));
      CompletableFuture.runAsync(tables::sync).get(30, TimeUnit.SECONDS);
      w.put(tables.table("A"), b("k2"), b("v"));
      w.commit();
    }
    try (LmdbTables tables = open(); LmdbTables.Reader r = tables.read()) {
      assertThat(r.count(tables.table("A"))).isEqualTo(2);
    }
  }

  @Test
  void anUncommittedWriteIsGoneAfterReopening() {
    try (LmdbTables tables = open()) {
      LmdbTables.Writer w = tables.write();
      w.put(tables.table("A"), b("k"), b("v"));
      w.close();
    }
    try (LmdbTables tables = open(); LmdbTables.Reader r = tables.read()) {
      assertThat(r.get(tables.table("A"), b("k"))).isNull();
    }
  }

  @Test
  void theWriteTransactionRefusesAnotherThread() throws Exception {
    try (LmdbTables tables = open(); LmdbTables.Writer w = tables.write()) {
      var failure = CompletableFuture.runAsync(() -> w.put(tables.table("A"), b("k"), b("v")));
      assertThatThrownBy(() -> failure.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("binds it to its thread");
    }
  }

  @Test
  void aFullMapSaysWhatToDoAndASecondOpenIsRefused() {
    try (LmdbTables tables = LmdbTables.open(dir, 1 << 20, false, "raise the map size", List.of("A"))) {
      assertThatThrownBy(() -> open()).isInstanceOf(StorageException.class).hasMessageContaining("already open");
      LmdbTables.Writer w = tables.write();
      assertThatThrownBy(() -> {
        for (int i = 0; i < 1000; i++) {
          w.put(tables.table("A"), b("k" + i), new byte[4096]);
        }
      }).isInstanceOf(StorageException.class).hasMessage(dir + ": the LMDB map is full; raise the map size");
      w.close();
    }
  }
}
