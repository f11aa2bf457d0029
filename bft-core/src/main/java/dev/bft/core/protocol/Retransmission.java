package dev.bft.core.protocol;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import java.util.Arrays;

/**
 * Recovery from lost messages (the network may drop anything). Every STATUS period a replica that
 * made no progress while it knows of unfinished work broadcasts STATUS; a peer answers with its own
 * messages above the point the replica asks for and its checkpoint votes, at most once per period
 * per peer, so a Byzantine replica cannot turn STATUS into a flood.
 */
final class Retransmission {
  /**
   * Batch bytes re-sent in one answer beyond its first PRE-PREPARE: a window of large batches
   * would overflow the link (PeerLinks drops what exceeds its outbound limit), and the lagging
   * replica asks again next period from where it got to.
   */
  static final long BATCH_BYTES_PER_ANSWER = 4 << 20;
  private final int me;
  private final Effects effects;
  private final long periodTicks;
  private long periods;
  private long executedAtLastPeriod = -1;
  private long uncommittedAtLastPeriod = -1;
  /** Periods in a row without execution and without being stuck. */
  private long quietPeriods;
  /** How often an idle replica asks whether it lags, in periods (a quarter of the view-change timeout each). */
  static final int QUIET_STATUS_PERIODS = 8;
  private final long[] answeredInPeriod;

  Retransmission(ReplicaConfig config, Effects effects) {
    this.me = config.replicaId();
    this.effects = effects;
    this.periodTicks = Math.max(1, config.viewChangeTimeoutTicks() / 4);
    this.answeredInPeriod = new long[config.quorum().n()];
    Arrays.fill(answeredInPeriod, -1);
  }

  /** A new STATUS period begins: every peer may be answered once again. */
  void newPeriod() {
    periods++;
  }

  long periodTicks() {
    return periodTicks;
  }

  /**
   * Closes a period; returns the sequence above which this replica needs retransmissions, or -1
   * when it is not stuck. Stuck means: nothing executed although work is known, or the same slot
   * stayed uncommitted for a whole period.
   */
  long endPeriod(MessageLog log, long lastExecuted, boolean workKnown) {
    long uncommitted = lowestUncommitted(log);
    boolean progressed = lastExecuted != executedAtLastPeriod;
    boolean stuck = (!progressed && (log.highestSequence() > lastExecuted || workKnown))
        || (uncommitted >= 0 && uncommitted == uncommittedAtLastPeriod);
    executedAtLastPeriod = lastExecuted;
    uncommittedAtLastPeriod = uncommitted;
    if (!stuck) {
      // An idle replica cannot tell that it lags: one restarted empty, or back from a partition,
      // on a cluster that has gone quiet, hears of no work and no checkpoint, and would stay
      // behind until the next load. So a replica that made no progress asks in its first quiet
      // period and then every QUIET_STATUS_PERIODS: peers that moved on answer with their
      // messages above it and their checkpoint votes (a fetch of the state if it is far behind).
      // Never under load, when answers could carry megabytes of batches that were never lost.
      quietPeriods = progressed ? 0 : quietPeriods + 1;
      return quietPeriods % QUIET_STATUS_PERIODS == 1 ? lastExecuted : -1;
    }
    quietPeriods = 0;
    return uncommitted >= 0 ? Math.min(lastExecuted, uncommitted - 1) : lastExecuted;
  }

  /** Whether a STATUS from {@code peer} may be answered in this period (and records that it was). */
  boolean mayAnswer(int peer) {
    if (answeredInPeriod[peer] == periods) {
      return false;
    }
    answeredInPeriod[peer] = periods;
    return true;
  }

  /** Re-sends this replica's own messages above {@code above} and its checkpoint votes to {@code peer}. */
  void answer(int peer, long above, MessageLog log, CheckpointTracker checkpoints) {
    long batchBytes = 0;
    for (SequenceSlot slot : log.above(above)) {
      PrePrepare pp = slot.prePrepare();
      if (pp != null && pp.sender() == me && pp.hasBatch()) {
        if (batchBytes >= BATCH_BYTES_PER_ANSWER) {
          break;
        }
        batchBytes += RequestQueue.encodedBytes(pp.batch());
        effects.send(peer, pp);
      }
      Prepare p = slot.prepareFrom(me);
      if (p != null) {
        effects.send(peer, p);
      }
      Commit c = slot.commitFrom(me);
      if (c != null) {
        effects.send(peer, c);
      }
    }
    if (checkpoints.ownStable() != null) {
      effects.send(peer, checkpoints.ownStable());
    }
    for (Checkpoint own : checkpoints.ownPending(me)) {
      effects.send(peer, own);
    }
  }

  /** The lowest slot of this view holding a PRE-PREPARE that has not committed here, or -1. */
  private static long lowestUncommitted(MessageLog log) {
    for (SequenceSlot slot : log.above(log.low())) {
      if (slot.prePrepare() != null && !slot.isCommitted()) {
        return slot.sequence;
      }
    }
    return -1;
  }
}
