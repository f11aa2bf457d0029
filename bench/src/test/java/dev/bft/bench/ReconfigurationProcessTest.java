package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.client.BftClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconfigurations of a running cluster of real replica processes under load, through {@code bft
 * reconfigure} (docs/reconfiguration.md): a client enrolled and used; then, in one epoch, that
 * client removed and refused and another's key rotated and the old key refused; every replica
 * moves through each epoch, one restarted with the first epoch's cluster file runs the latest epoch
 * from its data directory, and every write acknowledged in any epoch is read back at the end.
 */
class ReconfigurationProcessTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private BftLauncher.Run reconfigure(Path file, String... change) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("reconfigure", "--config", file.toString()));
    args.addAll(List.of(change));
    BftLauncher.Run run = BftLauncher.run(dir, 300, args.toArray(String[]::new));
    System.out.println(run.out());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    return run;
  }

  private BftClient client(Path file, int id) throws Exception {
    return new BftClient(ClusterFile.load(file), id, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, id)), 500)
        .defaultDeadline(ReplicaProcesses.PATIENCE);
  }

  @Test
  void clientsAreEnrolledRemovedAndRekeyedWhileTheClusterServes() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 3, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    Path firstEpochFile = Files.copy(file, dir.resolve("epoch0.conf"));
    ClusterConfig cluster = ClusterFile.load(file);
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (ReplicaProcesses replicas = new ReplicaProcesses(file, cluster)) {
      for (int i = 0; i < 4; i++) {
        replicas.start(i);
      }
      replicas.awaitStarted();
      // Load: client 1000 writes all along, taking up each new epoch's cluster file when its epoch ends.
      Thread load = new Thread(() -> {
        int i = 0;
        while (!stop.get()) {
          try (BftClient writer = client(file, 1000)) {
            while (!stop.get()) {
              String key = "load-" + i;
              if (KvResult.OK.equals(writer.put(b(key), b("v" + i)).get(20, TimeUnit.SECONDS))) {
                acknowledged.add(key);
              }
              i++;
            }
          } catch (Exception e) {
            i++; // the epoch moved on (or the put timed out): a new client of the file now current
          }
        }
      }, "load");
      load.start();
      replicas.await("the load is acknowledged", 120, () -> acknowledged.size() >= 5);

      BftLauncher.Run enrolled = reconfigure(file, "--add-client");
      assertThat(enrolled.out()).contains("epoch 1 started", "client 1003's key");
      ClusterConfig epoch1 = ClusterFile.load(file);
      assertThat(epoch1.epoch()).isEqualTo(1);
      assertThat(epoch1.clients()).containsKey(1003);
      try (BftClient newcomer = client(file, 1003)) {
        assertThat(newcomer.put(b("newcomer"), b("here")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
        assertThat(newcomer.get(b("newcomer")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.value(b("here")));
      }
      Path epoch1File = Files.copy(file, dir.resolve("epoch1.conf"));

      // Two changes, one epoch: client 1003 removed, client 1001 given a new key.
      Ed25519KeyPair oldKey = KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1001));
      reconfigure(file, "--remove-client", "1003", "--rotate-client-key", "1001");
      ClusterConfig epoch2 = ClusterFile.load(file);
      assertThat(epoch2.epoch()).isEqualTo(2);
      assertThat(epoch2.clients()).doesNotContainKey(1003);
      assertThat(epoch2.clients().get(1001)).isNotEqualTo(oldKey.publicKey());
      try (BftClient removed = new BftClient(ClusterFile.load(epoch1File), 1003,
          KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1003)), 500).defaultDeadline(Duration.ofSeconds(5))) {
        assertThatThrownBy(() -> removed.put(b("removed"), b("no")).get(60, TimeUnit.SECONDS))
            .as("a removed client's requests are refused").isInstanceOf(java.util.concurrent.ExecutionException.class);
      }
      TreeMap<Integer, dev.bft.crypto.Ed25519PublicKey> withOldKey = new TreeMap<>(epoch2.clients());
      withOldKey.put(1001, oldKey.publicKey());
      ClusterConfig stale = new ClusterConfig(epoch2.f(), epoch2.replicas(), withOldKey, epoch2.parameters(),
          epoch2.dataDirectory(), epoch2.metricsHost(), epoch2.epoch(), epoch2.admins(), epoch2.adminQuorum(), epoch2.start());
      try (BftClient oldHolder = new BftClient(stale, 1001, oldKey, 500).defaultDeadline(Duration.ofSeconds(5))) {
        assertThatThrownBy(() -> oldHolder.put(b("old-key"), b("no")).get(60, TimeUnit.SECONDS))
            .as("the rotated-out key is refused").isInstanceOf(java.util.concurrent.ExecutionException.class);
      }
      try (BftClient rekeyed = client(file, 1001)) {
        assertThat(rekeyed.put(b("new-key"), b("yes")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }

      // A replica restarted with the first epoch's file runs the epoch its data directory moved to.
      replicas.kill(2);
      ReplicaProcesses again = new ReplicaProcesses(firstEpochFile, ClusterFile.load(firstEpochFile));
      again.start(2);
      replicas.await("replica 2 restarts in epoch 2", 120, () -> read(dir.resolve("replica-2.log"))
          .contains("its data directory has moved to epoch 2 (the cluster file is of epoch 0)"));
      replicas.kill(3); // from here every quorum needs replica 2
      stop.set(true);
      load.join(60_000);
      try (BftClient reader = client(file, 1002)) {
        for (String key : acknowledged) {
          assertThat(reader.get(b(key)).get(120, TimeUnit.SECONDS)).as(key).isNotEqualTo(KvResult.ABSENT);
        }
        assertThat(reader.get(b("newcomer")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.value(b("here")));
        assertThat(reader.get(b("removed")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.ABSENT);
        assertThat(reader.get(b("old-key")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.ABSENT);
      }
      System.out.println(acknowledged.size() + " writes acknowledged across epochs 0 to 2, all read back");
      again.close();
    } finally {
      stop.set(true);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
