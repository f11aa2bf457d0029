package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage from raw sockets - malformed frames, oversized length prefixes, a stranger that never
 * authenticates, random bytes after a valid-looking start - must not disturb a running cluster.
 */
class HostileFramesProcessTest {
  @TempDir
  Path dir;
  final List<Process> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(Process::destroyForcibly);
  }

  @Test
  void malformedOversizedAndUnauthenticatedFramesAreRefusedWithoutHarm() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", freeBase(), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");
    for (int i = 0; i < 4; i++) {
      ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "replica", "--config", file.toString(), "--id",
          String.valueOf(i)).redirectErrorStream(true).redirectOutput(dir.resolve("replica-" + i + ".log").toFile());
      pb.environment().put("BFT_NO_BUILD", "1");
      replicas.add(pb.start());
    }
    try (BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      // generous: the replica JVMs have just been started, and a busy machine starts them slowly
      assertThat(client.put(b("before"), b("1")).get(ReplicaProcesses.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      Random random = new Random(9);
      for (int r = 0; r < 4; r++) {
        var target = cluster.replica(r);
        // 1. a length prefix far beyond the frame limit
        attack(target.host(), target.port(), out -> out.writeInt(Integer.MAX_VALUE));
        // 2. a frame of random bytes instead of the HELLO answer
        attack(target.host(), target.port(), out -> {
          byte[] junk = new byte[200];
          random.nextBytes(junk);
          out.writeInt(junk.length);
          out.write(junk);
        });
        // 3. a stream of random bytes
        attack(target.host(), target.port(), out -> {
          byte[] junk = new byte[4096];
          random.nextBytes(junk);
          out.write(junk);
        });
      }
      for (Process p : replicas) {
        assertThat(p.isAlive()).as("every replica survived").isTrue();
      }
      for (int i = 0; i < 10; i++) {
        assertThat(client.put(b("after" + i), b("v")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }
      assertThat(client.get(b("before")).get(30, TimeUnit.SECONDS)).isEqualTo(KvResult.value(b("1")));
    }
  }

  interface Attack {
    void send(DataOutputStream out) throws Exception;
  }

  private static void attack(String host, int port, Attack attack) throws Exception {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(2000);
      InputStream in = s.getInputStream();
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      attack.send(out);
      out.flush();
      // the replica's HELLO comes first; afterwards it must close the link on us
      byte[] buf = new byte[8192];
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      try {
        while (in.read(buf) >= 0 && System.nanoTime() < deadline) {
          // drain until the replica hangs up
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException closed) {
        // closed or silent: either way nothing got through
      }
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int freeBase() throws Exception {
    return dev.bft.core.config.FreePorts.consecutive(8); // 4 replica ports and 4 metrics ports
  }

}
