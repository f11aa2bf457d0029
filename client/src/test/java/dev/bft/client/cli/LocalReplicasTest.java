package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** BFT_REPLICA_JAVA_OPTS: the JVM options a local cluster's replica processes start with. */
class LocalReplicasTest {
  @Test
  void optionsAreSplitOnWhitespaceAndAbsentOrBlankMeansNone() {
    assertThat(LocalReplicas.replicaJvmOptions(" -Xmx512m\t-XX:+PrintCompilation  -Dx=1 "))
        .containsExactly("-Xmx512m", "-XX:+PrintCompilation", "-Dx=1");
    assertThat(LocalReplicas.replicaJvmOptions(null)).isEmpty();
    assertThat(LocalReplicas.replicaJvmOptions("   ")).isEmpty();
  }
}
