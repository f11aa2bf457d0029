package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.Reconfiguration;
import dev.bft.core.config.ReconfigurationRules;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.codec.EpochNotice;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.protocol.StateDigests;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import dev.bft.storage.LmdbStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's move to the next epoch (docs/reconfiguration.md): only from a stored stable epoch
 * checkpoint, from the configuration written when the reconfiguration executed (so a restart in
 * between still knows it, and a stale one is refused), and the log moved to the new epoch once.
 */
class EpochHandoverTest {
  static final long BOUNDARY = 128;

  @TempDir
  Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private LmdbStore store;

  @AfterEach
  void close() {
    scheduler.shutdownNow();
    if (store != null) {
      store.close();
    }
  }

  private ClusterConfig cluster() throws Exception {
    return ClusterFile.load(ClusterKeygen.generate(dir, 1, 1, "127.0.0.1", 7000, false, new SecureRandom()));
  }

  private Ed25519KeyPair key(int replica) throws Exception {
    return KeyFiles.read(ClusterKeygen.replicaKeyFile(dir, replica));
  }

  private List<Checkpoint> proof(ClusterConfig c, Digest digest) throws Exception {
    List<Checkpoint> proof = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      byte[] frame = new MessageEncoder(r, key(r)).encode(new Checkpoint(BOUNDARY, digest, r, null));
      proof.add((Checkpoint) MessageDecoder.of(c).decode(frame).message());
    }
    return proof;
  }

  private DurableLog log(ClusterConfig c, Path data) throws Exception {
    store = LmdbStore.open(data, 64 << 20, false, true);
    MessageEncoder own = new MessageEncoder(0, key(0));
    return new DurableLog(store, own, MessageDecoder.of(c), 0);
  }

  private static ClusterConfig enrolled(ClusterConfig c) {
    return new Reconfiguration(0, List.of(new Reconfiguration.AddClient(1500,
        Ed25519KeyPair.generate(new SecureRandom()).publicKey())), List.of()).applyTo(c);
  }

  /**
   * A Byzantine replica's EPOCH-NOTICE, cut short or with any length field claiming far more than
   * the bytes present (or 255 proofs), is refused and counted on the verification thread that
   * reads it, never thrown there (which would stop the replica); the whole notice still moves it.
   */
  @Test
  void aPoisonedOrTruncatedEpochNoticeIsCountedAndMovesNothing() throws Exception {
    ClusterConfig c = cluster();
    ClusterConfig next = enrolled(c);
    Path data = Files.createDirectories(dir.resolve("replica-0"));
    List<String> refused = new ArrayList<>();
    EpochHandover handover = new EpochHandover(0, c, data, new ReconfigurationRules(c), new MessageEncoder(0, key(0)),
        log(c, data), scheduler, (peer, frame) -> { }, () -> Digest.ZERO, refused::add);
    CompletableFuture<ClusterConfig> started = new CompletableFuture<>();
    handover.onNewEpoch(started::complete);
    Digest ordinary = Digest.sha256(new byte[] {2});
    Digest state = StateDigests.epoch(ordinary, Configurations.digest(next));
    List<byte[]> proof = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      proof.add(new MessageEncoder(r, key(r)).encode(new Checkpoint(BOUNDARY, state, r, null)));
    }
    byte[] notice = new EpochNotice(Configurations.encode(next), BOUNDARY, state, ordinary, proof).encode();

    List<byte[]> poisoned = new ArrayList<>();
    for (int cut = 6; cut < notice.length; cut++) {
      poisoned.add(java.util.Arrays.copyOf(notice, cut));
    }
    int configurationAt = 6;
    int countAt = configurationAt + 4 + ByteBuffer.wrap(notice).getInt(configurationAt) + 8 + 2 * Digest.SIZE;
    List<Integer> lengths = new ArrayList<>(List.of(configurationAt));
    for (int at = countAt + 1; at < notice.length; at += 4 + ByteBuffer.wrap(notice).getInt(at)) {
      lengths.add(at);
    }
    assertThat(lengths).as("the configuration's length and each proof's").hasSize(4);
    for (int at : lengths) {
      for (int claim : new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE, ByteBuffer.wrap(notice).getInt(at) + 1}) {
        byte[] p = notice.clone();
        ByteBuffer.wrap(p).putInt(at, claim);
        poisoned.add(p);
      }
    }
    byte[] manyProofs = notice.clone();
    manyProofs[countAt] = (byte) 255;
    poisoned.add(manyProofs);

    for (int i = 0; i < poisoned.size(); i++) {
      handover.told(100 + i, poisoned.get(i)); // a peer each: a peer's notice is read once a second at most
    }
    assertThat(refused).as("each counted").hasSize(poisoned.size()).containsOnly(ShellRefusal.EPOCH_NOTICE_INVALID.name());
    assertThat(started).isNotDone();
    handover.told(1, notice);
    assertThat(started.get(10, TimeUnit.SECONDS).epoch()).as("the notice as sent proves the next epoch").isEqualTo(1);
  }

  @Test
  void afterARestartTheWrittenConfigurationStartsTheEpochOnceItsCheckpointIsStored() throws Exception {
    ClusterConfig c = cluster();
    ClusterConfig next = enrolled(c);
    Path data = Files.createDirectories(dir.resolve("replica-0"));
    DurableLog durable = log(c, data);
    Digest epochDigest = Digest.sha256(new byte[] {1});
    EpochRecord.writePending(data, next); // the reconfiguration executed, then the process stopped
    EpochHandover handover = new EpochHandover(0, c, data, new ReconfigurationRules(c), new MessageEncoder(0, key(0)),
        durable, scheduler, (peer, frame) -> { }, () -> Digest.ZERO, reason -> { });
    CompletableFuture<ClusterConfig> started = new CompletableFuture<>();
    handover.onNewEpoch(started::complete);

    handover.ended(5, BOUNDARY, Configurations.digest(next));
    handover.proven(BOUNDARY, proof(c, epochDigest));
    Thread.sleep(300);
    assertThat(started).as("not before the stable checkpoint is stored").isNotDone();
    assertThat(data.resolve(EpochRecord.FILE)).doesNotExist();

    durable.add(new LogRecord.StableCheckpoint(BOUNDARY, proof(c, epochDigest)));
    durable.commit();
    ClusterConfig running = started.get(10, TimeUnit.SECONDS);
    assertThat(running.epoch()).isEqualTo(1);
    assertThat(running.start().sequence()).isEqualTo(BOUNDARY);
    assertThat(running.start().state()).isEqualTo(epochDigest);
    assertThat(running.clients()).containsKey(1500);
    assertThat(EpochRecord.current(data, c).epoch()).as("the directory says so to a later start").isEqualTo(1);
  }

  @Test
  void aWrittenConfigurationOfAnotherReconfigurationStartsNothing() throws Exception {
    ClusterConfig c = cluster();
    Path data = Files.createDirectories(dir.resolve("replica-0"));
    DurableLog durable = log(c, data);
    EpochRecord.writePending(data, enrolled(c)); // left from another reconfiguration
    EpochHandover handover = new EpochHandover(0, c, data, new ReconfigurationRules(c), new MessageEncoder(0, key(0)),
        durable, scheduler, (peer, frame) -> { }, () -> Digest.ZERO, reason -> { });
    CompletableFuture<ClusterConfig> started = new CompletableFuture<>();
    handover.onNewEpoch(started::complete);
    durable.add(new LogRecord.StableCheckpoint(BOUNDARY, proof(c, Digest.sha256(new byte[] {1}))));
    durable.commit();

    handover.ended(5, BOUNDARY, Configurations.digest(enrolled(c)));
    handover.proven(BOUNDARY, proof(c, Digest.sha256(new byte[] {1})));
    Thread.sleep(300);
    assertThat(started).isNotDone();
    assertThat(data.resolve(EpochRecord.FILE)).doesNotExist();
  }

  @Test
  void theLogMovesToTheNewEpochOnceAndOnlyFromTheStartsState() throws Exception {
    ClusterConfig c = cluster();
    Path data = Files.createDirectories(dir.resolve("replica-0"));
    DurableLog durable = log(c, data);
    durable.add(new LogRecord.EnteredView(3, false));
    durable.commit();
    ClusterConfig epoch1 = enrolled(c).startingAt(new dev.bft.core.config.EpochStart(BOUNDARY, Digest.sha256(new byte[] {1})));

    assertThatThrownBy(() -> EpochHandover.enter(epoch1, durable, 2 * BOUNDARY, data)).as("a state past the start")
        .hasMessageContaining("holds the state at sequence 256, past where epoch 1 starts (128)");
    durable.add(new LogRecord.StableCheckpoint(BOUNDARY, proof(c, Digest.sha256(new byte[] {1}))));
    durable.commit();
    EpochHandover.enter(epoch1, durable, BOUNDARY, data);
    long[] view = new long[1];
    RecoveredState recovered = durable.recover(new dev.bft.core.sim.AppendOnlyService(), view);
    assertThat(view[0]).isZero();
    assertThat(recovered.log()).contains(new LogRecord.StableCheckpoint(BOUNDARY, List.of()));
    durable.add(new LogRecord.EnteredView(1, false));
    durable.commit();
    EpochHandover.enter(epoch1, durable, BOUNDARY, data);
    durable.recover(new dev.bft.core.sim.AppendOnlyService(), view);
    assertThat(view[0]).as("a log already of the epoch is left alone").isEqualTo(1);
  }

  @Test
  void anEmptyDirectoryJoinsTheEpochAndWhatItLaterHoldsIsNeverMovedAgain() throws Exception {
    ClusterConfig c = cluster();
    Path data = Files.createDirectories(dir.resolve("replica-3"));
    DurableLog durable = log(c, data);
    ClusterConfig epoch1 = enrolled(c).startingAt(new dev.bft.core.config.EpochStart(BOUNDARY, Digest.sha256(new byte[] {1})));
    EpochHandover.enter(epoch1, durable, 0, data);
    assertThat(durable.isEmpty()).as("nothing to recover: the replica fetches the start").isTrue();

    // Stopped while fetching the start: it fetches it again.
    durable.add(new LogRecord.EnteredView(1, false));
    durable.commit();
    EpochHandover.enter(epoch1, durable, 0, data);

    // It fetched the start and went on; a restart must keep its log and view.
    durable.add(new LogRecord.EnteredView(2, false));
    durable.add(new LogRecord.StableCheckpoint(2 * BOUNDARY, proof(c, Digest.sha256(new byte[] {2}))));
    durable.commit();
    EpochHandover.enter(epoch1, durable, 2 * BOUNDARY, data);
    long[] view = new long[1];
    durable.recover(new dev.bft.core.sim.AppendOnlyService(), view);
    assertThat(view[0]).isEqualTo(2);
    assertThat(durable.storedStableCheckpoint()).isEqualTo(2 * BOUNDARY);
  }

  @Test
  void aDirectoryBehindTheStartKeepsItsStateAndDropsTheOldEpochsRecordsToFetchTheStart() throws Exception {
    ClusterConfig c = cluster();
    Path data = Files.createDirectories(dir.resolve("replica-1"));
    DurableLog durable = log(c, data);
    durable.add(new LogRecord.EnteredView(3, false));
    durable.add(new LogRecord.StableCheckpoint(64, proof(c, Digest.sha256(new byte[] {6}))));
    durable.commit();
    ClusterConfig epoch1 = enrolled(c).startingAt(new dev.bft.core.config.EpochStart(BOUNDARY, Digest.sha256(new byte[] {1})));

    EpochHandover.enter(epoch1, durable, 64, data); // down through the reconfiguration
    long[] view = new long[1];
    RecoveredState recovered = durable.recover(new dev.bft.core.sim.AppendOnlyService(), view);
    assertThat(view[0]).isZero();
    assertThat(recovered.log()).as("epoch 0's proof verifies in no later epoch").noneMatch(r -> r instanceof LogRecord.StableCheckpoint);
    assertThat(durable.storedEpoch()).isEqualTo(1);
  }
}
