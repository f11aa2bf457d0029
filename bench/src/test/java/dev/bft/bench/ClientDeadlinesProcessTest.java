package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.client.BftClientException;
import dev.bft.client.ClientResources;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.KeyFiles;
import dev.bft.core.service.KvOperation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client never hangs: against real replica processes that are stopped, paused or shared, every
 * operation ends by its deadline with what is known of its fate, and the command line says what
 * went wrong in one line.
 */
class ClientDeadlinesProcessTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  BftLauncher.Run bft(String... args) throws Exception {
    return BftLauncher.run(dir, 120, args);
  }

  /** One clear line on standard error, no stack trace. */
  static void oneLine(BftLauncher.Run run, String containing) {
    assertThat(run.err().strip()).as(run.err()).contains(containing).doesNotContain("\n").doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  BftClientException failure(CompletableFuture<?> op, int seconds) throws Exception {
    try {
      op.get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      BftClientException failed = BftClientException.of(e);
      assertThat(failed).as("the operation's exception: %s", e.getCause()).isNotNull();
      return failed;
    }
    throw new AssertionError("the operation succeeded");
  }

  @Test
  void theCommandLineSaysWhatIsWrongInOneLine() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    String config = file.toString();
    BftLauncher.Run noKey = bft("client", "--config", config, "get");
    assertThat(noKey.exit()).isEqualTo(1);
    oneLine(noKey, "get needs a key");

    BftLauncher.Run missingKey = bft("client", "--config", config, "--key", dir.resolve("nope.key").toString(), "get", "k");
    assertThat(missingKey.exit()).isEqualTo(1);
    oneLine(missingKey, "no key for client 1000 at " + dir.resolve("nope.key"));

    BftLauncher.Run wrongKey = bft("client", "--config", config, "--key", ClusterKeygen.replicaKeyFile(dir, 0).toString(), "get", "k");
    assertThat(wrongKey.exit()).isEqualTo(1);
    oneLine(wrongKey, "client 1000 is not in the cluster file with this key");

    // No replica is running: the operation was never answered, and the line names every address tried.
    ClusterConfig cluster = ClusterFile.load(file);
    BftLauncher.Run nobody = bft("client", "--config", config, "--deadline-ms", "3000", "put", "k", "v");
    assertThat(nobody.exit()).as("outcome unknown").isEqualTo(3);
    oneLine(nobody, "no replica reachable; tried 0 at " + cluster.replica(0).address());
    assertThat(nobody.err()).contains("3 at " + cluster.replica(3).address()).contains("may or may not have executed");
  }

  /**
   * On one cluster (its start is most of the cost): an operation ends by its deadline while two
   * replicas are paused, and the client goes on once they are back; then a second process on the
   * same identity makes the first one's numbers stale, and the first is told so.
   */
  @Test
  void anOperationEndsByItsDeadlineAndAClientSharingItsIdentityIsToldSo() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    try (ReplicaProcesses replicas = new ReplicaProcesses(file, cluster);
         BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 300)) {
      for (int i = 0; i < 4; i++) {
        replicas.start(i);
      }
      assertThat(replicas.within(client.put(b("k"), b("1")), 90)).isEqualTo(KvResult.OK);
      replicas.signal(1, "STOP");
      replicas.signal(2, "STOP"); // two of four paused: no quorum, though every connection stays up
      CompletableFuture<byte[]> sent = client.invoke(new KvOperation.Put(b("k"), b("2")).encode(), Duration.ofSeconds(6));
      CompletableFuture<byte[]> queued = client.invoke(new KvOperation.Put(b("k"), b("3")).encode(), Duration.ofSeconds(2));
      BftClientException notSent = failure(queued, 60);
      assertThat(notSent.outcome()).isEqualTo(BftClientException.Outcome.NOT_EXECUTED);
      assertThat(sent).as("the earlier operation's deadline is later").isNotDone();
      BftClientException unanswered = failure(sent, 60);
      assertThat(unanswered.outcome()).isEqualTo(BftClientException.Outcome.UNKNOWN);
      assertThat(unanswered.getMessage()).contains("no quorum within 6 s").contains("connected to");

      replicas.signal(1, "CONT");
      replicas.signal(2, "CONT");
      // The abandoned put may still execute, before this one or never: either way this one follows it.
      assertThat(replicas.within(client.put(b("k"), b("4")), 90)).isEqualTo(KvResult.OK);
      assertThat(replicas.within(client.get(b("k")), 90)).isEqualTo(KvResult.value(b("4")));

      // A second process on identity 1000 numbers its requests from its later clock: ahead of this client's.
      BftLauncher.Run second = bft("client", "--config", file.toString(), "put", "k", "second");
      assertThat(second.exit()).as(second.err()).isEqualTo(0);
      BftClientException refused = failure(client.put(b("k"), b("first again")), 90);
      assertThat(refused.outcome()).isEqualTo(BftClientException.Outcome.UNKNOWN);
      assertThat(refused.getMessage()).contains("refused as stale").contains("Another process is using client identity 1000");
      // Told, it numbers past the other process's requests and goes on.
      assertThat(replicas.within(client.get(b("k")), 90)).isEqualTo(KvResult.value(b("second")));
    }
  }

  @Test
  void closingTheClientEndsEveryOperationItHeld() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    ClusterConfig cluster = ClusterFile.load(file);
    try (ClientResources shared = new ClientResources(cluster, 1)) {
      BftClient client = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 300, shared);
      CompletableFuture<KvResult> sent = client.put(b("k"), b("v"));
      CompletableFuture<KvResult> queued = client.put(b("k"), b("w"));
      client.view(); // runs on the client's thread after both submissions: the first is sent, the second queued
      client.close();
      assertThat(failure(sent, 10).outcome()).isEqualTo(BftClientException.Outcome.UNKNOWN);
      assertThat(failure(queued, 10).outcome()).isEqualTo(BftClientException.Outcome.NOT_EXECUTED);
      assertThat(failure(client.get(b("k")), 10).getMessage()).contains("closed");
    }
  }
}
