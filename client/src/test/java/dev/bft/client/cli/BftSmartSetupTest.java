package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the side-by-side harness reads a BFT-SMaRt tree, configures its JVMs and lays out the results. */
class BftSmartSetupTest {
  @TempDir
  Path dir;

  @Test
  void theDependenciesAreTheQuotedCoordinatesOfBuildGradleNotItsLocalJars() {
    String gradle = """
        dependencies {
        	implementation fileTree('lib'){include '*.jar'}
        	// https://mvnrepository.com/artifact/org.bouncycastle/bcpkix-jdk15on
        	implementation 'org.bouncycastle:bcpkix-jdk15on:1.69'
        	implementation "io.netty:netty-all:4.1.67.Final"
        	testImplementation 'junit:junit:4.13'
        }
        """;
    assertThat(BftSmartBuild.dependencies(gradle))
        .containsExactly("org.bouncycastle:bcpkix-jdk15on:1.69", "io.netty:netty-all:4.1.67.Final");
    assertThat(BftSmartBuild.pom(BftSmartBuild.dependencies(gradle)))
        .contains("<groupId>io.netty</groupId><artifactId>netty-all</artifactId><version>4.1.67.Final</version>");
  }

  @Test
  void anUnpackedTarballsTreeIsItsOneSubdirectory() throws Exception {
    Path tree = dir.resolve("bftsmart-681cec8");
    Files.createDirectories(tree.resolve("src/main/java/bftsmart/demo/microbenchmarks"));
    Files.writeString(tree.resolve("src/main/java/bftsmart/demo/microbenchmarks/ThroughputLatencyServer.java"), "");
    Files.createDirectories(tree.resolve("config"));
    assertThat(BftSmartBuild.root(dir)).isEqualTo(tree);
    assertThat(BftSmartBuild.root(tree)).isEqualTo(tree);
  }

  @Test
  void eachReplicaGetsTwoFreePortsAndTheSystemConfigItsCountAndF() {
    assertThat(BftSmartRun.hostsConfig(4, 20000)).endsWith(
        "0 127.0.0.1 20000 20001\n1 127.0.0.1 20002 20003\n2 127.0.0.1 20004 20005\n3 127.0.0.1 20006 20007\n");
    String shipped = "system.servers.num = 4\nsystem.servers.f = 1\nsystem.bft = true\nsystem.initial.view = 0,1,2,3\n";
    String seven = BftSmartRun.systemConfig(shipped, 7);
    assertThat(seven).contains("system.bft = true", "system.servers.num = 7", "system.servers.f = 2",
        "system.initial.view = 0,1,2,3,4,5,6");
    assertThat(seven).doesNotContain("system.servers.num = 4", "system.servers.f = 1\n");
  }

  @Test
  void theClientIsToldToRunLongerThanTheWarmUpAndWindowAtAnyLikelyRate() {
    // The count the demo client is given (a sizing rule, not a measurement): 20 000 operations a
    // second shared by the clients, at least 200 each, over warm-up + window + two minutes, even.
    assertThat(BftSmartRun.operationsPerClient(30, Duration.ofSeconds(60), Duration.ofSeconds(30)))
        .isEqualTo(140_000); // 210 s x 666.7, rounded up to 140 000
    assertThat(BftSmartRun.operationsPerClient(1000, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .as("at least 200 a second each").isEqualTo(24_400);
    assertThat(BftSmartRun.operationsPerClient(7, Duration.ofSeconds(1), Duration.ofSeconds(1)) % 2)
        .as("half warm-up, half measured: even").isZero();
  }

  @Test
  void theRatiosAreOursOverTheirsOfTheSamePoint() {
    SideBySideTable table = new SideBySideTable();
    table.add(new SideBySideTable.Row(4, 30, 64, "ours", 3000, 1000, 10, 40, 1.0));
    table.add(new SideBySideTable.Row(4, 30, 64, "bftsmart-default", 1500, 500, 20, 80, Double.NaN));
    table.add(new SideBySideTable.Row(4, 100, 64, "bftsmart-nosig", 3000, 1000, 20, 80, 0.5));
    assertThat(table.throughputRatio(table.rows().get(1))).isEqualTo(2.0);
    assertThat(table.p99Ratio(table.rows().get(1))).isEqualTo(0.5);
    assertThat(table.throughputRatio(table.rows().get(2))).as("no ours at 100 clients").isNaN();
    assertThat(table.markdown()).contains("| 4 | 30 | 64 | bftsmart-default | 500 | 20.0 | 80.0 |  | 2.00x | 0.50x |");
    assertThat(table.csv()).contains("4,30,64,bftsmart-default,1500,500.0,20.00,80.00,,2.000,0.500\n")
        .contains("4,100,64,bftsmart-nosig,3000,1000.0,20.00,80.00,0.5000,,\n");
  }

  @Test
  void theFilesLastWholeLineSaysHowFarItHasReached() throws Exception {
    Path file = dir.resolve("latencies_1001.txt");
    assertThat(BftSmartRun.lastCompletion(file)).as("no file yet").isEqualTo(-1);
    Files.writeString(file, "1001\t1000\t5\n");
    assertThat(BftSmartRun.lastCompletion(file)).isEqualTo(1000);
    Files.writeString(file, "1001\t1000\t5\n".repeat(500) + "1002\t2000\t7\n1001\t30");
    assertThat(BftSmartRun.lastCompletion(file)).as("a cut-short last line is not read").isEqualTo(2000);
  }

  @Test
  void cpuPerOperationIsTheReplicasCpuBetweenTheSamplesInsideTheWindowOverTheRequestsBetweenThem() {
    // one completion every 10 ms from t = 0 to 10 s
    StringBuilder text = new StringBuilder();
    for (int ms = 0; ms < 10_000; ms += 10) {
      text.append("1001\t").append(ms).append("\t1\n");
    }
    BftSmartLatencies file = BftSmartLatencies.parse(text.toString(), "latencies_1001.txt");
    // samples every second, 100 ms of CPU per second: 100 requests per second, 1 ms each
    java.util.List<long[]> samples = new java.util.ArrayList<>();
    for (long t = 500; t < 10_000; t += 1_000) {
      samples.add(new long[] {t, t * 100_000L});
    }
    // the window 2 000..6 000 is measured between the samples at 2 500 and 5 500
    assertThat(BftSmartRun.cpuPerOperation(samples, file, 2_000, 6_000)).isEqualTo(1.0);
    assertThat(BftSmartRun.cpuPerOperation(samples, file, 2_000, 2_400)).as("no sample inside the window").isNaN();
    samples.set(3, new long[] {3_500, -1});
    assertThat(BftSmartRun.cpuPerOperation(samples, file, 3_000, 6_000)).as("the system gave no CPU figure").isNaN();
  }
}
