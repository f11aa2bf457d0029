package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own service, as a user would run it: a class written outside the project (here the
 * source below, compiled into a directory of its own), put on the replicas' classpath with
 * {@code BFT_CLASSPATH} and named by {@code bin/bft replica --service CLASS}. Four replica processes
 * run it through a view change (the primary killed), and every result is the sum so far.
 */
class OwnServiceProcessTest {
  static final String SOURCE = """
      package example;

      import dev.bft.core.service.ExecutionContext;
      import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ByteChunkService;
      import dev.bft.core.service.ByteChunkSnapshot;
      import dev.bft.crypto.Digest;
      import java.nio.ByteBuffer;

      /** A counter: "add n" adds n and answers the total; one chunk of 8 bytes. */
      public class Counter implements ByteChunkService {
        private long total;

        private static byte[] encode(long v) {
          return ByteBuffer.allocate(8).putLong(v).array();
        }

        public byte[] execute(byte[] operation, ExecutionContext ctx) {
          if (operation.length != 8) {
            return "error: an operation is 8 bytes".getBytes();
          }
          total += ByteBuffer.wrap(operation).getLong();
          return encode(total);
        }

        public byte[] executeReadOnly(byte[] operation) {
          return encode(total);
        }

        public int chunkCount() {
          return 1;
        }

        public Digest[] chunkDigests() {
          return new Digest[] {ByteChunkService.chunkDigest(encode(total))};
        }

        public ByteChunkSnapshot snapshot() {
          long at = total;
          return new ByteChunkSnapshot() {
            public Digest[] chunkDigests() {
              return new Digest[] {ByteChunkService.chunkDigest(encode(at))};
            }

            public byte[] chunk(int c) {
              return encode(at);
            }
          };
        }

        public void installChunk(int chunk, byte[] content) {
          total = ByteBuffer.wrap(content).getLong();
        }
      }
      """;

  @TempDir
  Path dir;

  private static byte[] add(long n) {
    return java.nio.ByteBuffer.allocate(8).putLong(n).array();
  }

  private static long total(byte[] result) {
    return java.nio.ByteBuffer.wrap(result).getLong();
  }

  @Test
  void aServiceClassOfTheUsersOwnRunsInRealReplicasThroughAViewChange() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/example"));
    Files.writeString(src.resolve("Counter.java"), SOURCE);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        src.resolve("Counter.java").toString());
    assertThat(compiled).as("the user's service compiles against the published API").isZero();

    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    try (ReplicaProcesses replicas = new ReplicaProcesses(file, cluster);
         BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      replicas.environment("BFT_CLASSPATH", classes.toString());
      for (int i = 0; i < 4; i++) {
        replicas.start(i, "--service", "example.Counter");
      }
      long expected = 0;
      for (int i = 1; i <= 5; i++) {
        expected += i;
        assertThat(total(replicas.within(client.invoke(add(i)), 120))).isEqualTo(expected);
      }
      replicas.kill(0); // the primary: the next operations need a view change
      for (int i = 6; i <= 10; i++) {
        expected += i;
        assertThat(total(replicas.within(client.invoke(add(i)), 120))).isEqualTo(expected);
      }
      assertThat(total(replicas.within(client.invokeReadOnly(new byte[0]), 120))).isEqualTo(expected);
      assertThat(new String(replicas.within(client.invoke(new byte[3]), 120), StandardCharsets.UTF_8))
          .as("garbage is a result").startsWith("error");
    }
  }
}
