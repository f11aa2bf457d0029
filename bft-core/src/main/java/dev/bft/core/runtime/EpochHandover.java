package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.EpochStart;
import dev.bft.core.config.ReconfigurationRules;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.codec.EpochNotice;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Digest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's side of moving from one epoch to the next (docs/reconfiguration.md). When the
 * reconfiguration executes, the next configuration is written down ({@link EpochRecord#PENDING}),
 * so a restart before the epoch checkpoint still knows it; when that checkpoint is stable and
 * stored, the {@link EpochRecord} is written and a replica of the next configuration is handed it
 * to run on (the process restarts its replica from the same data directory, which then starts the
 * new epoch, or, when the next configuration leaves it out, stops once no replica that stays needs
 * it).
 */
final class EpochHandover {
  private static final Logger LOG = LoggerFactory.getLogger(EpochHandover.class);

  private final int self;
  private final ClusterConfig current;
  private final Path data;
  private final ReconfigurationRules rules;
  private final MessageEncoder encoder;
  private final DurableLog durable;
  private final ScheduledExecutorService scheduler;
  private volatile Consumer<ClusterConfig> onNewEpoch = next -> {};
  private ClusterConfig next;
  private ScheduledFuture<?> waitingToStore;
  /** This epoch's EPOCH-NOTICE, for peers of the one before; null in epoch 0 and at a new member. */
  private byte[] notice;
  private final BiConsumer<Integer, byte[]> toPeer;
  /** The state's digest as an ordinary checkpoint has it, before the binding to the next configuration. */
  private final Supplier<Digest> ordinaryState;
  /** When each peer was last told, and last heard, of an epoch: at most once a second each. */
  private final java.util.Map<Integer, Long> told = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<Integer, Long> heard = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean moving = new java.util.concurrent.atomic.AtomicBoolean();
  private final Consumer<String> refusals;

  EpochHandover(int self, ClusterConfig current, Path data, ReconfigurationRules rules, MessageEncoder encoder,
                DurableLog durable, ScheduledExecutorService scheduler, BiConsumer<Integer, byte[]> toPeer,
                Supplier<Digest> ordinaryState, Consumer<String> refusals) {
    this.refusals = refusals;
    this.self = self;
    this.current = current;
    this.data = data;
    this.rules = rules;
    this.encoder = encoder;
    this.durable = durable;
    this.scheduler = scheduler;
    this.toPeer = toPeer;
    this.ordinaryState = ordinaryState;
  }

  /** Before recovery: the handover of {@code config}'s epoch, with the data directory moved into it if it has not been. */
  static EpochHandover open(int self, ClusterConfig config, Path data, MessageEncoder encoder, DurableLog durable,
                            ScheduledExecutorService scheduler, StateTransferShell stateTransfer, ReplicaMetrics metrics,
                            BiConsumer<Integer, byte[]> toPeer, Supplier<Digest> ordinaryState,
                            Consumer<String> refusals) {
    enter(config, durable, durable.storedStateSequence(), data);
    if (config.epoch() > 0) {
      stateTransfer.epochBoundTo(dev.bft.core.config.Configurations.digest(config));
    }
    metrics.epoch(config.epoch());
    EpochHandover handover = new EpochHandover(self, config, data, new ReconfigurationRules(config), encoder, durable,
        scheduler, toPeer, ordinaryState, refusals);
    EpochRecord record = EpochRecord.read(data, config);
    if (record != null && record.next().epoch() == config.epoch()) {
      handover.notice = record.notice().encode();
    }
    return handover;
  }

  /**
   * Verification thread: a client or replica sent a frame of another epoch; if this replica moved
   * into its epoch from the one before, it tells the peer (EPOCH-NOTICE), at most once a second. A
   * new member holds no notice: the replicas that stay tell the peer.
   */
  void tellOfThisEpoch(int peer) {
    if (notice == null) {
      return;
    }
    long now = System.nanoTime();
    Long last = told.get(peer);
    if (last != null && now - last < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    // Only authenticated peers of this epoch send frames, so the map holds at most one entry each.
    told.put(peer, now);
    toPeer.accept(peer, notice);
  }

  /**
   * Verification thread: replica {@code peer} says the next epoch started (EPOCH-NOTICE). This
   * replica missed it (it was behind when the others moved on): once the notice proves itself
   * against this epoch's configuration, the directory moves to the next epoch as if this replica
   * had proven the end itself, and it fetches what it lacks there (or, left out, stops). A peer's
   * notice is checked at most once a second.
   */
  void told(int peer, byte[] frame) {
    long now = System.nanoTime();
    Long last = heard.get(peer);
    if (moving.get() || last != null && now - last < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    heard.put(peer, now);
    EpochNotice proven;
    ClusterConfig started;
    try {
      proven = EpochNotice.decode(frame);
      started = proven.verify(current);
    } catch (IllegalArgumentException e) {
      refusals.accept(ShellRefusal.EPOCH_NOTICE_INVALID.name());
      LOG.debug("replica {}: replica {}'s epoch notice proves nothing here: {}", self, peer, e.getMessage());
      return;
    }
    if (!moving.compareAndSet(false, true)) {
      return;
    }
    new EpochRecord(started, proven.ordinary(), current, proven.proof()).write(data);
    LOG.info("replica {}: replica {} proved that epoch {} started at checkpoint {}; moving there", self, peer,
        started.epoch(), started.start().sequence());
    move(started);
  }

  private void move(ClusterConfig started) {
    Thread t = new Thread(() -> onNewEpoch.accept(started), "epoch-" + started.epoch());
    t.setDaemon(false);
    t.start();
  }

  ReconfigurationRules rules() {
    return rules;
  }

  void onNewEpoch(Consumer<ClusterConfig> action) {
    this.onNewEpoch = action;
  }

  /**
   * Before recovery: a data directory that has moved to this epoch has its log moved too (once).
   * Its state is the epoch's start, the only state the epoch's replicas agree on; a directory that
   * is empty or behind it (its replica was down through the reconfiguration, or it was seeded from
   * an older snapshot to warm a new member up) fetches the start by state transfer.
   */
  static void enter(ClusterConfig config, DurableLog durable, long storedState, Path data) {
    if (config.epoch() == 0) {
      return;
    }
    EpochStart start = config.start();
    if (durable.storedEpoch() >= config.epoch()) {
      return; // moved (or joined) already; a member still fetching the start goes on fetching it
    }
    if (durable.isEmpty()) {
      // A new member, or one that lost its data: it fetches the start, and its log is this epoch's from the first record.
      durable.stampEpoch(config.epoch());
      return;
    }
    if (storedState > start.sequence()) {
      throw new IllegalStateException("data directory " + data + " holds the state at sequence " + storedState
          + ", past where epoch " + config.epoch() + " starts (" + start.sequence() + "): it is not of this cluster's "
          + "history; give the replica another data directory");
    }
    if (storedState < start.sequence() && durable.storedStableCheckpoint() < start.sequence()) {
      // Down through the reconfiguration, or seeded from an older snapshot: it fetches the start.
      LOG.info("data directory {} holds the state at sequence {}; epoch {} starts at {}: fetching the difference",
          data, storedState, config.epoch(), start.sequence());
      durable.moveBehindToEpoch(config.epoch());
      return;
    }
    durable.moveToEpoch(config.epoch(), start.sequence());
  }

  /**
   * Protocol thread, at start: a replica that stopped after its epoch ended resumes the handover
   * where it stood (the effects that drove it were emitted before the restart).
   */
  void resume(dev.bft.core.protocol.Replica replica) {
    dev.bft.core.protocol.EpochEnd end = replica.epochEnd();
    if (end == null) {
      return;
    }
    ended(end.sequence(), end.boundary(), end.next());
    if (replica.stableCheckpoint() >= end.boundary() && !replica.stableCheckpointProof().isEmpty()) {
      proven(end.boundary(), replica.stableCheckpointProof());
    }
  }

  /** Protocol thread: the reconfiguration executed; the configuration it made is kept for the proof to come. */
  void ended(long sequence, long boundary, Digest digest) {
    next = rules.made(digest);
    if (next == null) {
      next = EpochRecord.readPending(data, current);
    }
    if (next == null || !dev.bft.core.config.Configurations.digest(next).equals(digest)) {
      LOG.error("replica {}: a reconfiguration executed at {} but its configuration is not known here; this replica "
          + "cannot start epoch {} by itself (start it with the new cluster file)", self, sequence, current.epoch() + 1);
      next = null;
      return;
    }
    EpochRecord.writePending(data, next);
    LOG.info("replica {}: reconfiguration executed at {}: epoch {} (n = {}, f = {}) starts at checkpoint {}", self,
        sequence, next.epoch(), next.n(), next.f(), boundary);
  }

  /**
   * Protocol thread: the epoch checkpoint is stable; once it is stored the next epoch starts, and
   * the replicas of this epoch linked now are told (EPOCH-NOTICE), so that one that is behind
   * does not wait for a group that moved on.
   */
  void proven(long boundary, List<Checkpoint> proof) {
    if (next == null) {
      return; // ended() said why
    }
    List<byte[]> frames = new ArrayList<>();
    proof.forEach(c -> frames.add(encoder.encode(c)));
    // Nothing executes after the end, so the state now is the state at the epoch checkpoint.
    EpochRecord record = new EpochRecord(next.startingAt(new EpochStart(boundary, proof.get(0).stateDigest())),
        ordinaryState.get(), current, frames);
    // The stable checkpoint is committed by the storage writer after this event: start the next
    // epoch only from stored state, or a crash could leave the directory in an epoch its state is not at.
    waitingToStore = scheduler.scheduleWithFixedDelay(() -> {
      if (durable.storedStableCheckpoint() < boundary) {
        return;
      }
      waitingToStore.cancel(false);
      if (!moving.compareAndSet(false, true)) {
        return; // a peer's notice moved it already
      }
      record.write(data);
      ClusterConfig started = record.next();
      LOG.info("replica {}: epoch {} proven at checkpoint {}", self, started.epoch(), boundary);
      byte[] tell = record.notice().encode();
      for (int peer = 0; peer < current.n(); peer++) {
        if (peer != self) {
          toPeer.accept(peer, tell);
        }
      }
      move(started);
    }, 0, 50, TimeUnit.MILLISECONDS);
  }
}
