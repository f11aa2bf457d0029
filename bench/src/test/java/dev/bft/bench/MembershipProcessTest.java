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
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.crypto.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes of a running cluster of real replica processes under load, each through
 * {@code bft reconfigure} as an operator runs it (docs/reconfiguration.md): 4 replicas grow to 7
 * (f 1 to 2) with a client enrolled, the three new replicas fetching the epoch's start; back to 4
 * with that client removed and another's key rotated (both old identities refused), the removed
 * replicas stopping by themselves; a replica whose machine died (its data gone) replaced by a new
 * one on another port, which then carries quorums; the primary's key rotated; a replica down
 * through a reconfiguration catching up into the new epoch; a replica restarted with the first
 * epoch's file runs the latest epoch from its data directory. Every write
 * acknowledged in any epoch is read back at the end.
 */
class MembershipProcessTest {
  @TempDir
  Path dir;

  private final List<ReplicaProcesses> groups = new ArrayList<>();
  /** The epochs the writer was told of by a replica (EPOCH-NOTICE), not by the cluster file. */
  private final ConcurrentLinkedQueue<Long> toldOfEpochs = new ConcurrentLinkedQueue<>();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Runs {@code bft reconfigure} in the background: it waits for replicas the test starts meanwhile. */
  private CompletableFuture<BftLauncher.Run> reconfigure(Path file, String... change) {
    List<String> args = new ArrayList<>(List.of("reconfigure", "--config", file.toString()));
    args.addAll(List.of(change));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return BftLauncher.run(dir, 300, args.toArray(String[]::new));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static BftLauncher.Run done(CompletableFuture<BftLauncher.Run> run) throws Exception {
    BftLauncher.Run r = run.get(300, TimeUnit.SECONDS);
    System.out.println(r.out());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    return r;
  }

  /** The cluster file once the tool has written epoch {@code epoch}'s. */
  private ClusterConfig epochFile(ReplicaProcesses any, Path file, long epoch) throws Exception {
    any.await("the cluster file of epoch " + epoch, 180, () -> {
      try {
        return ClusterFile.load(file).epoch() == epoch;
      } catch (Exception e) {
        return false;
      }
    });
    return ClusterFile.load(file);
  }

  private ReplicaProcesses group(Path file, ClusterConfig config) {
    ReplicaProcesses g = new ReplicaProcesses(file, config);
    groups.add(g);
    return g;
  }

  @Test
  void replicasAreAddedRemovedReplacedAndRekeyedWhileTheClusterServes() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 3, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    // a checkpoint every 32: the warm-up's snapshot needs a stable one, and each epoch ends at the next
    Files.writeString(file, Files.readString(file).replace("checkpoint.interval = 128", "checkpoint.interval = 32")
        .replace("log.window = 256", "log.window = 64"));
    Files.copy(file, dir.resolve("epoch0.conf"));
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread load = null;
    try {
      ReplicaProcesses first = group(file, ClusterFile.load(file));
      for (int i = 0; i < 4; i++) {
        first.start(i);
      }
      first.awaitStarted();
      load = new Thread(() -> writeAll(file, stop, acknowledged), "load");
      load.start();
      first.await("the load is acknowledged", 120, () -> acknowledged.size() >= 5);
      warmUp(file, first, 4); // replica 4 starts warm, 5 and 6 cold: both paths in one epoch

      // 4 -> 7 and a client enrolled, one epoch: the tool names the new replicas' start; they fetch
      // the state from the four that stay (replica 4 only what changed since its snapshot).
      CompletableFuture<BftLauncher.Run> grow = reconfigure(file, "--f", "2", "--add-client");
      ClusterConfig seven = epochFile(first, file, 1);
      assertThat(seven.n()).isEqualTo(7);
      ReplicaProcesses added = group(file, seven);
      for (int i = 4; i < 7; i++) {
        added.start(i);
      }
      assertThat(done(grow).out()).contains("epoch 1 started (n = 7, f = 2, 4 clients", "start replica 6", "client-1003.key");
      assertThat(read(dir.resolve("replica-4.log"))).as("replica 4 started warm").contains("fetching the difference");
      assertThat(read(dir.resolve("replica-5.log"))).as("replica 5 started empty").doesNotContain("fetching the difference");
      try (BftClient newcomer = client(file, 1003)) {
        assertThat(newcomer.put(b("newcomer"), b("here")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }
      int before = acknowledged.size();
      first.await("writes in the 7-replica epoch", 120, () -> acknowledged.size() >= before + 5);
      Path epoch1File = Files.copy(file, dir.resolve("epoch1.conf"));

      // 7 -> 4, client 1003 removed and client 1001 re-keyed, one epoch: the three added replicas
      // stop by themselves once the others moved on.
      Ed25519KeyPair oldKey = KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1001));
      done(reconfigure(file, "--f", "1", "--remove-client", "1003", "--rotate-client-key", "1001"));
      ClusterConfig epoch2 = ClusterFile.load(file);
      assertThat(epoch2.n()).isEqualTo(4);
      refused(new BftClient(ClusterFile.load(epoch1File), 1003, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1003)), 500),
          "a removed client's requests are refused");
      TreeMap<Integer, Ed25519PublicKey> withOldKey = new TreeMap<>(epoch2.clients());
      withOldKey.put(1001, oldKey.publicKey());
      refused(new BftClient(new ClusterConfig(epoch2.f(), epoch2.replicas(), withOldKey, epoch2.parameters(),
          epoch2.dataDirectory(), epoch2.metricsHost(), epoch2.epoch(), epoch2.admins(), epoch2.adminQuorum(),
          epoch2.start()), 1001, oldKey, 500), "the rotated-out key is refused");
      try (BftClient rekeyed = client(file, 1001)) {
        assertThat(rekeyed.put(b("new-key"), b("yes")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.OK);
      }
      for (int i = 4; i < 7; i++) {
        int removed = i;
        added.await("removed replica " + i + " stops", 120, () -> !added.alive(removed));
        assertThat(added.exitWithin(i, 1)).as("removed replica " + i + " stops").isEqualTo(0);
        read(dir.resolve("replica-" + i + ".log")).lines().filter(l -> l.contains("leaves it out") || l.contains("still serving"))
            .forEach(l -> System.out.println("removed replica " + removed + ": " + l));
        assertThat(added.logged(i, "leaves it out and every replica that stays has moved on: stopping")).isTrue();
      }

      // Replica 3's machine dies with its data; a new replica 3 on another port replaces it.
      first.kill(3);
      delete(epoch2.dataDirectory().resolve("replica-3"));
      int newPort = FreePorts.consecutive(1);
      CompletableFuture<BftLauncher.Run> replace = reconfigure(file, "--replace", "3", "127.0.0.1:" + newPort);
      ClusterConfig epoch3 = epochFile(first, file, 3);
      assertThat(epoch3.replica(3).port()).isEqualTo(newPort);
      ReplicaProcesses replacement = group(file, epoch3);
      replacement.start(3);
      done(replace);
      first.kill(2); // from here every quorum needs the new replica 3, and replica 2 misses the next epoch
      int beforeReplacement = acknowledged.size();
      first.await("writes with the replacement in every quorum", 180, () -> acknowledged.size() >= beforeReplacement + 5);

      // The primary's key is rotated: replica 0 takes the new key up when it moves to epoch 4.
      done(reconfigure(file, "--rotate-key", "0"));
      assertThat(first.logged(0, "(service kv, epoch 4)")).isTrue();
      assertThat(Files.exists(dir.resolve("keys/replica-0.key.next"))).as("the new key took the old one's place").isFalse();
      assertThat(KeyFiles.read(dir.resolve("keys/replica-0.key")).publicKey()).isEqualTo(ClusterFile.load(file).replica(0).publicKey());
      int beforeRotation = acknowledged.size();
      first.await("writes under the rotated key", 180, () -> acknowledged.size() >= beforeRotation + 5);

      // Replica 2, down through epoch 3's end, starts with epoch 4's file and fetches what it missed;
      // then quorums need it.
      ReplicaProcesses late = group(file, ClusterFile.load(file));
      late.start(2);
      first.await("replica 2 catches up into epoch 4", 120, () -> read(dir.resolve("replica-2.log"))
          .contains("fetching the difference") && read(dir.resolve("replica-2.log")).contains("installed the state of checkpoint"));
      first.kill(1);
      int beforeLate = acknowledged.size();
      first.await("writes with replica 2 in every quorum", 180, () -> acknowledged.size() >= beforeLate + 5);

      // Replica 1 restarted with the first epoch's cluster file runs the epoch its data directory moved to.
      ReplicaProcesses again = group(dir.resolve("epoch0.conf"), ClusterFile.load(dir.resolve("epoch0.conf")));
      again.start(1);
      first.await("replica 1 restarts in epoch 4", 120, () -> read(dir.resolve("replica-1.log"))
          .contains("its data directory has moved to epoch 4 (the cluster file is of epoch 0)"));
      stop.set(true);
      load.join(60_000);
      try (BftClient reader = client(file, 1002)) {
        for (String key : acknowledged) {
          assertThat(reader.get(b(key)).get(120, TimeUnit.SECONDS)).as(key).isNotEqualTo(KvResult.ABSENT);
        }
        assertThat(reader.get(b("newcomer")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.value(b("here")));
        assertThat(reader.get(b("new-key")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.value(b("yes")));
        assertThat(reader.get(b("refused")).get(120, TimeUnit.SECONDS)).isEqualTo(KvResult.ABSENT);
      }
      System.out.println(acknowledged.size() + " writes acknowledged across epochs 0 to 4, all read back; the writer "
          + "was told of epochs " + toldOfEpochs + " by the replicas");
      assertThat(toldOfEpochs).as("the writer moved to new epochs told by EPOCH-NOTICEs").isNotEmpty();
    } finally {
      stop.set(true);
      if (load != null) {
        load.join(30_000);
      }
      groups.forEach(ReplicaProcesses::close);
    }
  }

  /**
   * Seeds the replicas the next reconfiguration adds, as an operator would before the request: a
   * snapshot of a running replica's stable checkpoint (one is made by a burst of writes), imported
   * with the current cluster file into each new replica's data directory.
   */
  private void warmUp(Path file, ReplicaProcesses group, int... joining) throws Exception {
    try (BftClient burst = client(file, 1002)) {
      for (int i = 0; i < 40; i++) {
        burst.put(b("warm-" + i), new byte[512]).get(120, TimeUnit.SECONDS);
      }
    }
    Path snapshot = dir.resolve("warm.snap");
    group.await("a snapshot of replica 0's stable checkpoint", 120, () -> {
      try {
        return BftLauncher.run(dir, 60, "snapshot", "export", "--config", file.toString(), "--id", "0", "--out",
            snapshot.toString()).exit() == 0;
      } catch (Exception e) {
        return false;
      }
    });
    for (int id : joining) {
      BftLauncher.Run r = BftLauncher.run(dir, 120, "snapshot", "import", "--joining", "--config", file.toString(),
          "--id", String.valueOf(id), "--in", snapshot.toString());
      assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }
  }

  private BftClient client(Path file, int id) throws Exception {
    return new BftClient(ClusterFile.load(file), id, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, id)), 500)
        .defaultDeadline(ReplicaProcesses.PATIENCE);
  }

  /** A write by {@code client} that the cluster must refuse: it never completes. */
  private static void refused(BftClient client, String why) {
    try (client) {
      client.defaultDeadline(Duration.ofSeconds(5));
      assertThatThrownBy(() -> client.put(b("refused"), b("no")).get(60, TimeUnit.SECONDS)).as(why)
          .isInstanceOf(java.util.concurrent.ExecutionException.class);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * Client 1000 writes all along. When its epoch ends, a replica of the new one tells it so
   * (EPOCH-NOTICE) and the client moves there by itself, the write outstanding with it; only if
   * none told it (or a write failed) is a new client made of the cluster file.
   */
  private void writeAll(Path file, AtomicBoolean stop, ConcurrentLinkedQueue<String> acknowledged) {
    int i = 0;
    while (!stop.get()) {
      BftClient writer = null;
      try {
        writer = new BftClient(ClusterFile.load(file), 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500)
            .defaultDeadline(ReplicaProcesses.PATIENCE);
        long epoch = writer.configuration().epoch();
        while (!stop.get()) {
          String key = "load-" + i;
          if (KvResult.OK.equals(writer.put(b(key), b("v" + i)).get(15, TimeUnit.SECONDS))) {
            acknowledged.add(key);
          }
          i++;
          if (writer.configuration().epoch() != epoch) {
            epoch = writer.configuration().epoch();
            toldOfEpochs.add(epoch);
          }
        }
      } catch (Exception e) {
        i++;
      } finally {
        if (writer != null) {
          writer.close();
        }
      }
    }
  }

  private static void delete(Path root) throws java.io.IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
