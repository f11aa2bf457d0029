package dev.bft.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir
  Path dir;
  final Ed25519KeyPair keys = Ed25519KeyPair.forTesting(7);

  @Test
  void roundTripsAndIsPrivateToItsOwner() throws Exception {
    Path file = dir.resolve("keys/replica-0.key");
    KeyFiles.write(file, keys, false);
    assertThat(KeyFiles.read(file).publicKey()).isEqualTo(keys.publicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void aKeyFileOthersCanReadIsUsedWithOneWarningNamingItAndItsMode() throws Exception {
    Path file = dir.resolve("open.key");
    KeyFiles.write(file, keys, false);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(KeyFiles.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    logger.addAppender(seen);
    try {
      assertThat(KeyFiles.read(file).publicKey()).isEqualTo(keys.publicKey());
    } finally {
      logger.detachAppender(seen);
    }
    assertThat(seen.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(e.getFormattedMessage()).contains(file.toString()).contains("rw-r--r--");
    });
  }

  @Test
  void aKeyFileEveryoneCanWriteIsRefusedInOneLineNamingItAndItsMode() throws Exception {
    Path file = dir.resolve("writable.key");
    KeyFiles.write(file, keys, false);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----rw-"));
    assertThatThrownBy(() -> KeyFiles.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("rw----rw-").hasMessageNotContaining("\n");
  }

  @Test
  void withoutPosixPermissionsTheCheckIsSkipped() throws Exception {
    Path zip = dir.resolve("keys.zip");
    try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
      Path file = fs.getPath("/replica-0.key");
      KeyFiles.write(file, keys, false);
      assertThat(KeyFiles.read(file).publicKey()).isEqualTo(keys.publicKey());
    }
  }

  @Test
  void refusesToOverwriteUnlessAsked() throws Exception {
    Path file = dir.resolve("k.key");
    KeyFiles.write(file, keys, false);
    assertThatThrownBy(() -> KeyFiles.write(file, Ed25519KeyPair.forTesting(8), false)).hasMessageContaining("exists");
    KeyFiles.write(file, Ed25519KeyPair.forTesting(8), true);
    assertThat(KeyFiles.read(file).publicKey()).isEqualTo(Ed25519KeyPair.forTesting(8).publicKey());
  }

  @Test
  void everyBrokenFileFailsWithOneLineNamingIt() throws Exception {
    Path good = dir.resolve("good.key");
    KeyFiles.write(good, keys, false);
    String text = Files.readString(good);
    String[][] cases = {
        {"missing.key", null, "does not exist"},
        {"empty.key", "", "no 'private"},
        {"truncated.key", text.substring(0, text.indexOf("private =") + 20), "bytes, expected 32"},
        {"nothex.key", "private = zz" + "0".repeat(62), "not hex"},
        {"garbage.key", "hello world", "expected 'private"},
        {"unknown.key", "secret = 00", "unknown entry"},
        {"mismatch.key", text.replace(keys.publicKey().toHex(), Ed25519KeyPair.forTesting(9).publicKey().toHex()),
            "does not belong"},
    };
    for (String[] c : cases) {
      Path file = dir.resolve(c[0]);
      if (c[1] != null) {
        Files.writeString(file, c[1]);
      }
      assertThatThrownBy(() -> KeyFiles.read(file)).as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(file.toString()).hasMessageContaining(c[2])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
