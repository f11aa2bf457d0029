package dev.bft.core.runtime;

import dev.bft.core.message.Message;
import dev.bft.core.message.Reply;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.storage.StorageException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The replica's storage writer, between the protocol lane and the {@link Transport}. The protocol
 * lane hands over what a group of events decided (records to persist, messages to send, replies)
 * and goes on with the next events; here the messages are signed, the records of every group
 * queued meanwhile are committed in one transaction, and only then do that commit's messages
 * leave, with one flush. Signing and fsync therefore never hold up the protocol lane, and the rule
 * of {@link dev.bft.core.protocol.Effects} (durable before sent) holds per commit.
 *
 * <p>Not final only so that a test can plant the bug this class exists to prevent (sending before
 * the commit) and show that the seeded simulation catches it.
 */
class CommitStage {
  private final MessageEncoder encoder;
  private final DurableRecords durable;
  private final Transport transport;
  private final Consumer<StorageException> onFatal;
  private final Lane lane;
  private final ShellClock clock;
  private final Stage.Sink stages;
  private volatile boolean failed;

  // Confined to the writer lane.
  private final IdentityHashMap<Message, byte[]> signedThisCommit = new IdentityHashMap<>();
  private final List<Runnable> sends = new ArrayList<>();
  private final List<Reply> replies = new ArrayList<>();

  /**
   * @param onFatal      called once when a commit fails: nothing of that commit or later is sent
   * @param stages       takes the time of each of this lane's stages
   * @param threadFailed told when the writer lane fails for any other reason (it then stops)
   */
  CommitStage(int self, MessageEncoder encoder, DurableRecords durable, Transport transport, Lane.Factory lanes,
              ShellClock clock, Consumer<StorageException> onFatal, Stage.Sink stages,
              BiConsumer<String, Throwable> threadFailed) {
    this.encoder = encoder;
    this.durable = durable;
    this.transport = transport;
    this.onFatal = onFatal;
    this.clock = clock;
    this.stages = stages;
    this.lane = lanes.create("storage-" + self, 64, this::commitAndSend, threadFailed);
  }

  void start() {
    lane.start();
  }

  /**
   * From the protocol lane, after a group of events: {@code persists} run here (they add records
   * to the durable log, signing what they store), {@code sends} run after the commit.
   */
  void submit(List<Runnable> persists, List<Runnable> groupSends, List<Reply> groupReplies) {
    long handedOff = clock.nanos();
    lane.execute(() -> {
      long start = clock.nanos();
      stages.record(Stage.WRITER_QUEUE, start - handedOff);
      persists.forEach(Runnable::run);
      stages.record(Stage.PERSIST, clock.nanos() - start);
      sends.addAll(groupSends);
      replies.addAll(groupReplies);
    });
  }

  /** The signed frame of an own message, signed once per commit however often it is stored and sent. Writer lane only. */
  byte[] signed(Message m) {
    return signedThisCommit.computeIfAbsent(m, encoder::encode);
  }

  /** After each group on the writer lane: durable first, then out. */
  void commitAndSend() {
    if (commitRecords()) {
      sendCommitted();
    }
  }

  /** Commits what the groups added; false (and the replica stopping) if storage failed. */
  final boolean commitRecords() {
    if (failed) {
      return false;
    }
    long start = clock.nanos();
    try {
      durable.commit();
    } catch (StorageException e) {
      failed = true;
      sends.clear();
      replies.clear();
      onFatal.accept(e);
      return false;
    }
    stages.record(Stage.STORAGE_COMMIT, clock.nanos() - start);
    return true;
  }

  /** Sends what the groups decided: replies under one signature, then every frame, one flush. */
  final void sendCommitted() {
    long start = clock.nanos();
    if (!replies.isEmpty()) {
      // One signature over the Merkle root of every reply of this commit.
      List<byte[]> frames = encoder.encodeReplies(replies);
      for (int i = 0; i < frames.size(); i++) {
        int client = replies.get(i).clientId();
        byte[] frame = frames.get(i);
        sends.add(() -> transport.toClient(client, frame));
      }
      replies.clear();
    }
    for (Runnable send : sends) {
      send.run();
    }
    sends.clear();
    signedThisCommit.clear();
    transport.flush();
    stages.record(Stage.SEND, clock.nanos() - start);
  }

  void stop(long waitMillis) {
    lane.stop(waitMillis);
  }
}
