package dev.bft.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.crypto.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeygenTest {
  @TempDir
  Path dir;

  @Test
  void theGeneratedClusterLoadsAndItsKeysMatchTheKeyFiles() throws Exception {
    Path file = ClusterKeygen.generate(dir, 2, 3, "127.0.0.1", 9000, false, new SecureRandom());
    ClusterConfig c = ClusterFile.load(file);
    assertThat(c.n()).isEqualTo(7);
    assertThat(c.replica(6).port()).isEqualTo(9006);
    assertThat(c.replica(6).metricsPort()).as("metrics on base + n + i").isEqualTo(9013);
    for (int i = 0; i < 7; i++) {
      assertThat(KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, i)).publicKey()).isEqualTo(c.replica(i).publicKey());
    }
    assertThat(c.clients()).containsOnlyKeys(1000, 1001, 1002);
    assertThat(KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1001)).publicKey()).isEqualTo(c.clients().get(1001));
  }

  @Test
  void refusesToOverwriteWithoutForce() throws Exception {
    ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 9000, false, new SecureRandom());
    String before = Files.readString(dir.resolve("cluster.conf"));
    assertThatThrownBy(() -> ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 9000, false, new SecureRandom()))
        .hasMessageContaining("already exists; use --force");
    assertThat(Files.readString(dir.resolve("cluster.conf"))).isEqualTo(before);
    ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 9000, true, new SecureRandom());
    assertThat(Files.readString(dir.resolve("cluster.conf"))).isNotEqualTo(before);
  }
}
