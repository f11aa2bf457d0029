package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.client.ClientResources;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bft snapshot export} and {@code import} between real replica processes on the key-value
 * service on LMDB: the export is taken from a running replica while the cluster serves; a file with
 * one byte changed is refused and seeds nothing; the imported replica starts at the exported
 * checkpoint, fetches only what was written since, and is then needed for every quorum.
 */
class SnapshotProcessTest {
  static final int FIRST_CLIENT = 1000;
  static final int CLIENTS = 4;
  static final int VALUE = 60_000;
  static final int KEYS_BEFORE = 36;
  private static final Pattern EXPORTED = Pattern.compile("exported checkpoint (\\d+) of replica 0");
  private static final Pattern FETCHED = Pattern.compile("installed the state of checkpoint \\d+ \\(.* bytes=(\\d+)");

  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[VALUE];
    Arrays.fill(v, (byte) i);
    return v;
  }

  @Test
  void aReplicaSeededFromAnExportJoinsAtItsCheckpointAndFetchesOnlyWhatChangedSince() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, CLIENTS, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    // K = 16: the log is collected soon, so what replica 3 lacks it must bring from the file or fetch.
    Files.writeString(file, Files.readString(file)
        .replaceAll("(?m)^checkpoint\\.interval = \\d+$", "checkpoint.interval = 16")
        .replaceAll("(?m)^log\\.window = \\d+$", "log.window = 32"));
    ClusterConfig cluster = ClusterFile.load(file);
    Path snapshot = dir.resolve("state.snap");
    try (ReplicaProcesses replicas = new ReplicaProcesses(file, cluster);
         ClientResources shared = new ClientResources(cluster)) {
      for (int i = 0; i < 4; i++) {
        replicas.start(i);
      }
      List<BftClient> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(new BftClient(cluster, FIRST_CLIENT + i, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, FIRST_CLIENT + i)),
            500, shared).defaultDeadline(ReplicaProcesses.PATIENCE));
      }
      for (int i = 0; i < KEYS_BEFORE; i++) {
        assertThat(replicas.within(clients.get(i % CLIENTS).put(b("before-" + i), value(i)), 120)).isEqualTo(KvResult.OK);
      }
      replicas.await("replica 0 has a stable checkpoint past most of the writes", 60,
          () -> metric(replicas, 0, "bft_stable_checkpoint") >= 32);

      BftLauncher.Run export = BftLauncher.run(dir, 180, "snapshot", "export", "--config", file.toString(), "--id", "0",
          "--out", snapshot.toString());
      assertThat(export.exit()).as(export.out() + export.err()).isZero();
      Matcher m = EXPORTED.matcher(export.out());
      assertThat(m.find()).as(export.out()).isTrue();
      long exported = Long.parseLong(m.group(1));
      assertThat(exported).isGreaterThanOrEqualTo(32);
      assertThat(Files.size(snapshot)).as("the file holds the values written").isGreaterThan(32L * VALUE);

      replicas.kill(3);
      Path data3 = cluster.dataDirectory().resolve("replica-3");
      Files.move(data3, dir.resolve("replica-3-lost"));
      for (int i = 0; i < 8; i++) {
        assertThat(replicas.within(clients.get(i % CLIENTS).put(b("after-" + i), b("small-" + i)), 120)).isEqualTo(KvResult.OK);
      }

      // One byte changed inside a value: refused in one line, and the directory is not created.
      byte[] bytes = Files.readAllBytes(snapshot);
      bytes[middleOfValue(bytes, 5)] ^= 1;
      Path altered = Files.write(dir.resolve("altered.snap"), bytes);
      Path elsewhere = dir.resolve("elsewhere");
      BftLauncher.Run refused = BftLauncher.run(dir, 180, "snapshot", "import", "--config", file.toString(), "--id", "3",
          "--data", elsewhere.toString(), "--in", altered.toString());
      assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
      assertThat(refused.err().strip()).startsWith("bft snapshot import: snapshot file " + altered + ": chunk ")
          .doesNotContain("\n");
      assertThat(elsewhere).doesNotExist();

      BftLauncher.Run imported = BftLauncher.run(dir, 180, "snapshot", "import", "--config", file.toString(), "--id", "3",
          "--in", snapshot.toString());
      assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
      assertThat(imported.out()).contains("imported checkpoint " + exported);

      replicas.start(3);
      replicas.await("replica 3 recovers at the exported checkpoint", 120,
          () -> replicas.logged(3, "state at sequence " + exported + ","));
      // Without replica 2, every quorum needs replica 3 and so the state it imported.
      replicas.kill(2);
      for (int i = 0; i < 8; i++) {
        assertThat(replicas.within(clients.get(i % CLIENTS).put(b("later-" + i), b("v" + i)), 180)).isEqualTo(KvResult.OK);
      }
      for (int i = 0; i < KEYS_BEFORE; i += 7) {
        assertThat(replicas.within(clients.get(i % CLIENTS).get(b("before-" + i)), 120)).isEqualTo(KvResult.value(value(i)));
      }
      assertThat(replicas.within(clients.get(0).get(b("after-7")), 120)).isEqualTo(KvResult.value(b("small-7")));

      long fetched = 0;
      Matcher f = FETCHED.matcher(Files.readString(dir.resolve("replica-3.log")));
      while (f.find()) {
        fetched += Long.parseLong(f.group(1));
      }
      System.out.printf("exported checkpoint %d (%d bytes); replica 3 then fetched %d bytes by state transfer%n", exported,
          Files.size(snapshot), fetched);
      assertThat(fetched).as("bytes replica 3 fetched by state transfer after the import").isLessThan(4L * VALUE);
      for (BftClient c : clients) {
        c.close();
      }
    }
  }

  /** Where the middle of key before-{@code i}'s value lies in the file (a run of {@link #VALUE} bytes {@code i}). */
  private static int middleOfValue(byte[] file, int i) {
    int run = 0;
    for (int at = 0; at < file.length; at++) {
      run = file[at] == (byte) i ? run + 1 : 0;
      if (run == VALUE) {
        return at - VALUE / 2;
      }
    }
    throw new AssertionError("the value of before-" + i + " is not in the file");
  }

  private static long metric(ReplicaProcesses replicas, int id, String name) {
    try {
      return (long) replicas.metric(id, name, "");
    } catch (Exception e) {
      return -1;
    }
  }
}
