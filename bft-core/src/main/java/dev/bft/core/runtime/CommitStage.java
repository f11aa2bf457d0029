package dev.bft.core.runtime;

import dev.bft.core.message.Message;
import dev.bft.core.message.Reply;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.storage.StorageException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The replica's storage writer, between the protocol thread and the network. The protocol thread
 * hands over what a group of events decided (records to persist, messages to send, replies) and
 * goes on with the next events; here the messages are signed, the records of every group queued
 * meanwhile are committed in one LMDB transaction, and only then do that commit's messages leave,
 * with one flush per link. Signing and fsync therefore never hold up the protocol thread, and the
 * rule of {@link dev.bft.core.protocol.Effects} (durable before sent) holds per commit.
 */
final class CommitStage {
  private final MessageEncoder encoder;
  private final DurableLog durable;
  private final IntFunction<Channel> clientLink;
  private final BiConsumer<Channel, byte[]> write;
  private final Consumer<StorageException> onFatal;
  private final GroupedExecutor thread;
  private final Stage.Sink stages;
  private volatile boolean failed;

  // Confined to the writer thread.
  private final IdentityHashMap<Message, byte[]> signedThisCommit = new IdentityHashMap<>();
  private final List<Runnable> sends = new ArrayList<>();
  private final List<Reply> replies = new ArrayList<>();
  private final Set<Channel> unflushed = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * @param clientLink the current link of a client id, or null
   * @param write      writes a frame to a link (null or closed links ignored), deferring the flush on this thread
   * @param onFatal    called once when a commit fails: nothing of that commit or later is sent
   * @param stages     takes the time of each of this thread's stages
   * @param threadFailed told when the writer thread fails for any other reason (it then stops)
   */
  CommitStage(int self, MessageEncoder encoder, DurableLog durable, IntFunction<Channel> clientLink,
              BiConsumer<Channel, byte[]> write, Consumer<StorageException> onFatal, Stage.Sink stages,
              BiConsumer<String, Throwable> threadFailed) {
    this.encoder = encoder;
    this.durable = durable;
    this.clientLink = clientLink;
    this.write = write;
    this.onFatal = onFatal;
    this.stages = stages;
    this.thread = new GroupedExecutor("storage-" + self, 64, this::commitAndSend, threadFailed);
  }

  void start() {
    thread.start();
  }

  /**
   * From the protocol thread, after a group of events: {@code persists} run here (they add records
   * to the durable log, signing what they store), {@code sends} run after the commit.
   */
  void submit(List<Runnable> persists, List<Runnable> groupSends, List<Reply> groupReplies) {
    long handedOff = System.nanoTime();
    thread.execute(() -> {
      long start = System.nanoTime();
      stages.record(Stage.WRITER_QUEUE, start - handedOff);
      persists.forEach(Runnable::run);
      stages.record(Stage.PERSIST, System.nanoTime() - start);
      sends.addAll(groupSends);
      replies.addAll(groupReplies);
    });
  }

  /** The signed frame of an own message, signed once per commit however often it is stored and sent. Writer thread only. */
  byte[] signed(Message m) {
    return signedThisCommit.computeIfAbsent(m, encoder::encode);
  }

  /** Whether the caller is the writer thread, whose writes are flushed once per commit. */
  boolean onWriterThread() {
    return thread.onThisThread();
  }

  /** Writes without flushing; the commit flushes every link written to. Writer thread only. */
  void writeDeferred(Channel c, byte[] frame) {
    c.write(Unpooled.wrappedBuffer(frame));
    unflushed.add(c);
  }

  private void commitAndSend() {
    if (failed) {
      return;
    }
    long start = System.nanoTime();
    try {
      durable.commit();
    } catch (StorageException e) {
      failed = true;
      sends.clear();
      replies.clear();
      onFatal.accept(e);
      return;
    }
    long committed = System.nanoTime();
    stages.record(Stage.STORAGE_COMMIT, committed - start);
    if (!replies.isEmpty()) {
      // One signature over the Merkle root of every reply of this commit.
      List<byte[]> frames = encoder.encodeReplies(replies);
      for (int i = 0; i < frames.size(); i++) {
        int client = replies.get(i).clientId();
        byte[] frame = frames.get(i);
        sends.add(() -> write.accept(clientLink.apply(client), frame));
      }
      replies.clear();
    }
    for (Runnable send : sends) {
      send.run();
    }
    sends.clear();
    signedThisCommit.clear();
    for (Channel c : unflushed) {
      c.flush();
    }
    unflushed.clear();
    stages.record(Stage.SEND, System.nanoTime() - committed);
  }

  void stop(long waitMillis) {
    thread.stop(waitMillis);
  }
}
