package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.BftClient;
import dev.bft.client.LedgerClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.FreePorts;
import dev.bft.core.service.ledger.LedgerResult;
import dev.bft.crypto.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger run as users run it ({@code bin/bft replica --service ledger}, four processes) through
 * a view change (the primary SIGKILLed), a recovery from LMDB (the old primary restarted) and a
 * state transfer (a replica down while checkpoints move far past it, then restarted); finally a
 * backup is killed, so both restarted replicas are needed for every operation after. Every balance
 * is what the client computed, and the supply adds up.
 */
class LedgerProcessTest {
  static final int ACCOUNTS = 4;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run leaves the replicas' logs to read
  Path dir;

  long[] expected = new long[ACCOUNTS];
  long deposited;
  long withdrawn;
  int step;

  /**
   * One transfer between the client's accounts, or a withdrawal every fifth step. A slow machine
   * runs more steps while it waits for a replica to catch up, so an account running low is topped
   * up first: every amount is covered, however many steps run.
   */
  void move(ReplicaProcesses replicas, LedgerClient ledger, int seconds) throws Exception {
    int from = step % ACCOUNTS;
    int to = (step + 1 + step / ACCOUNTS % (ACCOUNTS - 1)) % ACCOUNTS;
    long amount = 1 + (step * 13L) % 50;
    step++;
    if (expected[from] < amount) {
      expected[from] += 1000;
      deposited += 1000;
      assertThat(replicas.within(ledger.deposit(from, 1000), seconds)).isEqualTo(LedgerResult.ok(expected[from]));
    }
    if (step % 5 == 0) {
      LedgerResult r = replicas.within(ledger.withdraw(from, amount), seconds);
      expected[from] -= amount;
      withdrawn += amount;
      assertThat(r).isEqualTo(LedgerResult.ok(expected[from]));
      return;
    }
    LedgerResult r = replicas.within(ledger.transfer(from, to, amount), seconds);
    expected[from] -= amount;
    expected[to] += amount;
    assertThat(r).as("transfer %d from %d to %d", amount, from, to).isEqualTo(LedgerResult.ok(expected[from]));
  }

  /**
   * Keeps the ledger busy until replica {@code id} has executed as far as replica {@code other} had
   * when the wait began: a restarted replica is up to date before the next fault makes the quorum
   * depend on it. (A target that moves with every operation can stay a step ahead of a replica
   * that keeps up, on a busy machine.)
   */
  void catchUp(ReplicaProcesses replicas, LedgerClient ledger, int id, int other) throws Exception {
    replicas.awaitStarted(); // its JVM's start is no part of the catching up
    double target = replicas.metric(other, "bft_last_executed", "replica=");
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (true) {
      move(replicas, ledger, 60);
      try {
        if (replicas.metric(id, "bft_last_executed", "replica=") >= target) {
          return;
        }
      } catch (java.io.IOException notServingYet) {
        // its metrics endpoint is not up yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("replica " + id + " did not execute up to " + (long) target + ", where replica " + other
            + " was, within 120 s of its start");
      }
    }
  }

  @Test
  void theLedgerSurvivesAViewChangeRecoveryFromLmdbAndStateTransfer() throws Exception {
    Path file = ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", FreePorts.consecutive(8), false, new SecureRandom());
    // checkpoints every 8 sequence numbers in a window of 16: 60 operations leave a stopped replica far behind
    Files.writeString(file, Files.readString(file).replace("checkpoint.interval = 128", "checkpoint.interval = 8")
        .replace("log.window = 256", "log.window = 16").replace("pipeline.depth = 16", "pipeline.depth = 4"));
    ClusterConfig cluster = ClusterFile.load(file);
    try (ReplicaProcesses replicas = new ReplicaProcesses(file, cluster);
         BftClient bft = new BftClient(cluster, 1000, KeyFiles.read(ClusterKeygen.clientKeyFile(dir, 1000)), 500).defaultDeadline(ReplicaProcesses.PATIENCE)) {
      for (int i = 0; i < 4; i++) {
        replicas.start(i, "--service", "ledger");
      }
      for (int i = 0; i < 4; i++) {
        Path log = dir.resolve("replica-" + i + ".log");
        replicas.await("replica " + i + " running the ledger", 60,
            () -> Files.exists(log) && read(log).contains("(service ledger, epoch 0)"));
      }
      LedgerClient ledger = new LedgerClient(bft);
      for (int a = 0; a < ACCOUNTS; a++) {
        assertThat(replicas.within(ledger.open(a), 30)).isEqualTo(LedgerResult.ok(0));
        assertThat(replicas.within(ledger.deposit(a, 1000), 30)).isEqualTo(LedgerResult.ok(1000));
        expected[a] = 1000;
        deposited += 1000;
      }

      replicas.kill(0); // SIGKILL the primary of view 0: the others change view
      for (int i = 0; i < 10; i++) {
        move(replicas, ledger, 90);
      }
      replicas.start(0, "--service", "ledger"); // recovers from its LMDB directory
      Path log0 = dir.resolve("replica-0.log");
      replicas.await("replica 0 recovering from LMDB", 60, () -> read(log0).contains("recovered from"));
      catchUp(replicas, ledger, 0, 1);

      replicas.kill(3);
      for (int i = 0; i < 60; i++) { // with checkpoints every 8, far past replica 3's window
        move(replicas, ledger, 60);
      }
      replicas.start(3, "--service", "ledger");
      Path log3 = dir.resolve("replica-3.log");
      // it learns of the checkpoints it missed from the next ones the others take: keep the ledger busy
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (!read(log3).contains("installed the state of checkpoint") && System.nanoTime() < deadline) {
        move(replicas, ledger, 60);
      }
      replicas.await("replica 3 installing a checkpoint's state", 1, () -> read(log3).contains("installed the state of checkpoint"));
      catchUp(replicas, ledger, 3, 1);

      // a backup other than the two restarted ones: the quorum now needs both replica 0 and replica 3
      int backup = bft.view() % 4 == 1 ? 2 : 1;
      replicas.kill(backup);
      for (int i = 0; i < 15; i++) {
        move(replicas, ledger, 90);
      }

      long sum = 0;
      for (int a = 0; a < ACCOUNTS; a++) {
        LedgerResult balance = replicas.within(ledger.balance(a), 60);
        assertThat(balance).as("balance of %d", a).isEqualTo(LedgerResult.ok(expected[a]));
        sum += balance.balance();
      }
      LedgerResult supply = replicas.within(ledger.supply(), 60);
      assertThat(supply).isEqualTo(LedgerResult.supply(deposited, withdrawn, ACCOUNTS));
      assertThat(sum).as("no money created or destroyed").isEqualTo(deposited - withdrawn);
      assertThat(replicas.within(ledger.history(0), 60)).isNotEmpty();
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
