package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's timestamp (docs/protocol.md, The primary's timestamp): the rule a backup checks a
 * PRE-PREPARE's timestamp by, and the timestamp a primary gives its next batch. A service reads
 * the timestamp as its time, so a faulty primary must not be able to move it far from the
 * replicas' clocks, nor back.
 *
 * <p>"Never backwards" is judged in sequence order against the batches this replica holds in the
 * current view: the batches in its log (this view's PRE-PREPAREs, and the batches a NEW-VIEW
 * re-proposed, with their old timestamps) and those it executed in this view and truncated since.
 * Within a view, two correct replicas that both accept two batches checked each against the other
 * (quorum intersection), so the batches a view executes have non-decreasing timestamps. Null
 * requests (timestamp 0, nothing executes) are neither checked nor counted.
 *
 * <p>The replica's own clock arrives with each event ({@code now}); this class reads no clock.
 */
final class BatchTimestamps {
  private static final Logger LOG = LoggerFactory.getLogger(BatchTimestamps.class);

  /** AHEAD and BEHIND: further than the skew from the clock, the one way or the other. */
  enum Verdict { ACCEPT, AHEAD, BEHIND, BACKWARDS }

  private final int me;
  private final long skew;
  /** The latest timestamp executed in this view: the floor for batches whose neighbours left the log. */
  private long executedInView;
  /** The latest timestamp this replica executed in any view: a new primary never goes below it. */
  private long executedEver;
  /** The view in which a refusal was last logged: one WARN line per view, the counter for the rest. */
  private long warnedInView = -1;

  BatchTimestamps(int me, long skewTicks) {
    this.me = me;
    this.skew = skewTicks;
  }

  /** Whether a backup at clock {@code now} accepts the normal-case PRE-PREPARE {@code pp} of {@code view}. */
  Verdict check(PrePrepare pp, long now, MessageLog log, long view) {
    Batch batch = pp.batch();
    if (batch.isNull()) {
      return Verdict.ACCEPT;
    }
    long ts = batch.timestamp();
    Verdict verdict;
    if (ts - now > skew) {
      verdict = Verdict.AHEAD;
    } else if (now - ts > skew) {
      verdict = Verdict.BEHIND;
    } else if (ts < floor(pp.sequence(), log, executedInView) || ts > ceiling(pp.sequence(), log)) {
      verdict = Verdict.BACKWARDS;
    } else {
      return Verdict.ACCEPT;
    }
    if (warnedInView != view) {
      warnedInView = view;
      if (verdict == Verdict.BEHIND) {
        LOG.warn("replica {}: not preparing primary {}'s PRE-PREPARE {} in view {}: its timestamp {} is {} ms from this"
                + " replica's clock {} (at most {} allowed); it executes only on the others' certificate; if this"
                + " replica's clock is the wrong one, fix it", me, pp.sender(), pp.sequence(), view, ts, ts - now, now, skew);
      } else if (verdict == Verdict.AHEAD) {
        LOG.warn("replica {}: refusing primary {}'s PRE-PREPARE {} in view {}: its timestamp {} is {} ms from this"
                + " replica's clock {} (at most {} allowed); if this replica's clock is the wrong one, fix it",
            me, pp.sender(), pp.sequence(), view, ts, ts - now, now, skew);
      } else {
        LOG.warn("replica {}: refusing primary {}'s PRE-PREPARE {} in view {}: its timestamp {} goes backwards"
            + " from a batch before it (or beyond one after it)", me, pp.sender(), pp.sequence(), view, ts);
      }
    }
    return verdict;
  }

  /**
   * The timestamp a primary at clock {@code now} gives the batch at {@code sequence}: its clock,
   * unless a batch before it (in the log, or executed in any view) is later. Equal timestamps are
   * not backwards, so two batches in one millisecond need no invented time; and clamping up, not
   * refusing, keeps an honest primary whose clock stepped back, or that follows a primary whose
   * clock ran ahead, from being refused by the backups that hold those later batches.
   */
  long forPrimary(long now, long sequence, MessageLog log) {
    return Math.max(now, floor(sequence, log, executedEver));
  }

  void executed(Batch batch) {
    if (!batch.isNull()) {
      executedInView = Math.max(executedInView, batch.timestamp());
      executedEver = Math.max(executedEver, batch.timestamp());
    }
  }

  /** A new view starts: the old view's executed batches judge nothing in it, unless its NEW-VIEW re-proposed them. */
  void newView() {
    executedInView = 0;
  }

  private static long floor(long sequence, MessageLog log, long executed) {
    long floor = executed;
    for (SequenceSlot slot : log.above(log.low())) {
      if (slot.sequence >= sequence) {
        break;
      }
      Batch b = held(slot);
      if (b != null) {
        floor = Math.max(floor, b.timestamp());
      }
    }
    return floor;
  }

  private static long ceiling(long sequence, MessageLog log) {
    long ceiling = Long.MAX_VALUE;
    for (SequenceSlot slot : log.above(sequence)) {
      Batch b = held(slot);
      if (b != null) {
        ceiling = Math.min(ceiling, b.timestamp());
      }
    }
    return ceiling;
  }

  private static Batch held(SequenceSlot slot) {
    PrePrepare pp = slot.prePrepare();
    return pp == null || !pp.hasBatch() || pp.batch().isNull() ? null : pp.batch();
  }
}
