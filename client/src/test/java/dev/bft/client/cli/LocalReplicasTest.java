package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The JVM options a local cluster's replica processes start with. */
class LocalReplicasTest {
  @Test
  void optionsAreSplitOnWhitespaceAndAbsentOrBlankMeansNone() {
    assertThat(LocalReplicas.replicaJvmOptions(" -Xmx512m\t-XX:+PrintCompilation  -Dx=1 "))
        .containsExactly("-Xmx512m", "-XX:+PrintCompilation", "-Dx=1");
    assertThat(LocalReplicas.replicaJvmOptions(null)).isEmpty();
    assertThat(LocalReplicas.replicaJvmOptions("   ")).isEmpty();
  }

  @Test
  void replicasMapTheClassArchiveTheirLauncherWasGivenAndNothingElseOfItsOptions() {
    assertThat(LocalReplicas.classArchiveOptions(java.util.List.of("-XX:+ExitOnOutOfMemoryError",
        "-XX:SharedArchiveFile=/x/bft.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Xmx1g", "-Xlog:gc")))
        .containsExactly("-XX:SharedArchiveFile=/x/bft.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    assertThat(LocalReplicas.classArchiveOptions(java.util.List.of("-Xmx1g"))).isEmpty();
  }
}
