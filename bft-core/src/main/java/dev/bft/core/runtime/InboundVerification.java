package dev.bft.core.runtime;

import dev.bft.core.message.Message;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.Rejection;
import dev.bft.core.protocol.Quorum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification stage: frames of authenticated peers are decoded and their signatures checked
 * on a pool, a group at a time (one batch equation), before the messages reach the protocol
 * thread. What fails is dropped and counted by reason; a client whose frame fails is quarantined;
 * a replica that once sent a bad signature has its frames checked alone from then on, since in a
 * group each of its forgeries would make the whole batch fail and be checked again one by one.
 * In a process the groups come from the {@link FairVerificationQueue} ({@link #pool}); in the
 * simulator from the simulated network, checked by the same code with the simulation's keys.
 */
final class InboundVerification {
  private static final Logger LOG = LoggerFactory.getLogger(InboundVerification.class);
  /** Frames verified together at most: enough for the batch equation to pay, few enough to keep latency. */
  static final int MAX_GROUP = 64;
  /** Frames and bytes waiting per source: a replica may burst; a correct client has one request outstanding. */
  static final int REPLICA_FRAMES = 4096;
  static final long REPLICA_BYTES = 128L << 20;
  static final int CLIENT_FRAMES = 32;
  static final long CLIENT_BYTES = 4L << 20;

  /** Where verified messages go. */
  @FunctionalInterface
  interface Verified {
    void deliver(int peer, Message message, long readAt);
  }

  /** What a client's bad frame does to it. */
  @FunctionalInterface
  interface Quarantine {
    void quarantine(int client, String why);
  }

  private final int self;
  private final Quorum quorum;
  private final MessageDecoder decoder;
  private final java.util.function.Predicate<Message> worthVerifying;
  private final Consumer<String> refusals;
  private final Quarantine quarantine;
  private final Verified verified;
  private final java.util.function.IntConsumer olderEpoch;
  private final java.util.function.BiConsumer<Integer, byte[]> notices;
  private final Set<Integer> forgers = ConcurrentHashMap.newKeySet();

  InboundVerification(int self, Quorum quorum, MessageDecoder decoder, java.util.function.Predicate<Message> worthVerifying,
                      Consumer<String> refusals, Quarantine quarantine, java.util.function.IntConsumer olderEpoch,
                      java.util.function.BiConsumer<Integer, byte[]> notices, Verified verified) {
    this.olderEpoch = olderEpoch;
    this.notices = notices;
    this.self = self;
    this.quorum = quorum;
    this.decoder = decoder;
    this.worthVerifying = worthVerifying;
    this.refusals = refusals;
    this.quarantine = quarantine;
    this.verified = verified;
  }

  /** The verification pool of a process: one worker per core, fair and bounded per source. */
  static FairVerificationQueue<Inbound> pool(int self, Quorum quorum, Consumer<List<Inbound>> verifyAll,
                                            java.util.function.BiConsumer<String, Throwable> failed) {
    return queue(self, quorum, Runtime.getRuntime().availableProcessors(), verifyAll, failed);
  }

  /** The same queue with {@code workers} threads; with none, its owner drains it ({@link FairVerificationQueue#poll}). */
  static FairVerificationQueue<Inbound> queue(int self, Quorum quorum, int workers, Consumer<List<Inbound>> verifyAll,
                                             java.util.function.BiConsumer<String, Throwable> failed) {
    IntPredicate replica = quorum::isReplica;
    return new FairVerificationQueue<>("verify-" + self, workers,
        new FairVerificationQueue.Bounds<>(source -> replica.test(source) ? REPLICA_FRAMES : CLIENT_FRAMES,
            source -> replica.test(source) ? REPLICA_BYTES : CLIENT_BYTES, Inbound::bytes),
        MAX_GROUP, verifyAll, failed);
  }

  /** Replicas that sent a bad signature and whose frames are therefore verified alone. */
  Set<Integer> forgers() {
    return Set.copyOf(forgers);
  }

  void verifyAll(List<Inbound> group) {
    List<byte[]> frames = new ArrayList<>(group.size());
    List<Inbound> grouped = new ArrayList<>(group.size());
    for (Inbound in : group) {
      if (quorum.isReplica(in.peer()) && dev.bft.core.message.codec.EpochNotice.is(in.frame())) {
        notices.accept(in.peer(), in.frame()); // proves itself, or is dropped there
      } else if (forgers.contains(in.peer())) {
        deliver(in, decoder.decode(in.frame(), -1, worthVerifying));
      } else {
        grouped.add(in);
        frames.add(in.frame());
      }
    }
    int[] expectedSenders = new int[grouped.size()];
    for (int i = 0; i < grouped.size(); i++) {
      // A replica link also carries client requests that backups forwarded (signed by their
      // clients); everything else on it must be the peer's own.
      int peer = grouped.get(i).peer();
      expectedSenders[i] = quorum.isReplica(peer) ? -1 : peer;
    }
    List<DecodeResult> results = decoder.decodeAll(frames, expectedSenders, worthVerifying);
    for (int i = 0; i < grouped.size(); i++) {
      deliver(grouped.get(i), results.get(i));
    }
  }

  private void deliver(Inbound in, DecodeResult r) {
    int peer = in.peer();
    if (r.accepted() && quorum.isReplica(peer) && !(r.message() instanceof Request) && r.message().sender() != peer) {
      r = new DecodeResult.Rejected(Rejection.WRONG_SENDER,
          r.message().type() + " of " + r.message().sender() + " on the link of " + peer);
    }
    if (r instanceof DecodeResult.Rejected rej) {
      refusals.accept(rej.reason().name());
      if (rej.reason() == Rejection.BAD_SIGNATURE && quorum.isReplica(peer) && forgers.add(peer)) {
        LOG.warn("replica {}: replica {} sent a bad signature; its frames are verified alone from now on", self, peer);
      }
      LOG.debug("replica {}: rejected a frame from {}: {} {}", self, peer, rej.reason(), rej.detail());
      // A client one epoch ahead or behind is no liar: it costs a parse, and a correct one follows soon.
      if (!quorum.isReplica(peer) && rej.reason() != Rejection.WRONG_EPOCH) {
        quarantine.quarantine(peer, rej.reason() + ": " + rej.detail());
      } else if (rej.reason() == Rejection.WRONG_EPOCH) {
        olderEpoch.accept(peer);
      }
      return;
    }
    verified.deliver(peer, r.message(), in.readAt());
  }
}
