package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A backup's watch on a primary that sits on requests (the slow-primary attack Aardvark measured).
 * The view-change timer cannot catch a primary that orders every request just before that timer
 * would expire: it restarts on every execution. This watch is far shorter and asks something
 * narrower of the primary, in rounds of the idle timeout: a request this backup received from its
 * client and still waits for a PRE-PREPARE after a whole round is overdue. The primary is suspect
 * when a round ends with a request overdue, its pipeline never full in that round (an honest
 * primary waits then too), and either no PRE-PREPARE at all in the round or the request overdue
 * for {@link #PATIENCE} rounds. The second clause catches a primary that trickles PRE-PREPAREs to
 * look busy; the first alone would misfire on a backup that only missed one PRE-PREPARE, which a
 * busy cluster shows it by the ones that keep coming.
 *
 * <p>Rounds instead of per-request deadlines, because the core has no clock.
 */
final class PrimaryIdleMonitor {
  /** Rounds a request may stay overdue while other PRE-PREPAREs arrive. */
  static final int PATIENCE = 4;

  /** Per client, the highest request number seen ordered in this view. */
  private final Map<Integer, Long> ordered = new LinkedHashMap<>();
  /** Per client, the request waited for and the number of round ends it has seen. */
  private final Map<Integer, long[]> watched = new LinkedHashMap<>();
  private boolean armed;
  private boolean pipelineFull;
  private boolean sawPrePrepare;

  /** What the caller does when the timer fires. */
  enum Verdict {
    /** Suspect the primary. */
    IDLE,
    /** Requests still wait for a PRE-PREPARE: arm the timer for another round. */
    REARM,
    /** Nothing waits. */
    QUIET
  }

  /** A backup received {@code request} from its client; true when the caller must arm the timer. */
  boolean known(Request request) {
    if (ordered.getOrDefault(request.clientId(), 0L) >= request.requestNumber()) {
      return false;
    }
    long[] entry = watched.get(request.clientId());
    if (entry == null) {
      watched.put(request.clientId(), new long[] {request.requestNumber(), 0});
    } else if (entry[0] < request.requestNumber()) {
      entry[0] = request.requestNumber();
      entry[1] = 0;
    }
    if (armed) {
      return false;
    }
    armed = true;
    return true;
  }

  /** A PRE-PREPARE of this view was accepted; {@code pipelineFull} if it left the primary no room. */
  void prePrepared(Batch batch, boolean pipelineFull) {
    for (Request r : batch.requests()) {
      ordered(r);
    }
    this.pipelineFull |= pipelineFull;
    sawPrePrepare = true;
  }

  /** {@code r} is ordered: seen in a PRE-PREPARE, or executed (its PRE-PREPARE may never reach this backup). */
  void ordered(Request r) {
    ordered.merge(r.clientId(), r.requestNumber(), Math::max);
    long[] entry = watched.get(r.clientId());
    if (entry != null && entry[0] <= r.requestNumber()) {
      watched.remove(r.clientId());
    }
  }

  /**
   * A round ended. {@code batchInFlight}: a PRE-PREPARE this backup accepted has not executed, and
   * the primary closes partial batches only on a drained pipeline, so it waits honestly (the
   * batch executes without the primary, from the backups' commits, so it cannot keep this excuse).
   */
  Verdict fired(boolean batchInFlight) {
    armed = false;
    boolean suspect = false;
    if (!pipelineFull && !batchInFlight) {
      for (long[] entry : watched.values()) {
        long rounds = ++entry[1];
        // rounds >= 2: known before the round began, so it waited at least one whole round.
        suspect |= rounds >= 2 && (!sawPrePrepare || rounds > PATIENCE);
      }
    }
    pipelineFull = false;
    sawPrePrepare = false;
    if (suspect) {
      return Verdict.IDLE;
    }
    if (watched.isEmpty()) {
      return Verdict.QUIET;
    }
    armed = true;
    return Verdict.REARM;
  }

  /** Drops what waits without suspicion; the next request known starts a new round. */
  void forgive() {
    watched.clear();
    armed = false;
    pipelineFull = false;
    sawPrePrepare = false;
  }

  /** A view ends: what was ordered or waited for in it no longer counts. True if a timer was armed. */
  boolean reset() {
    boolean wasArmed = armed;
    forgive();
    ordered.clear();
    return wasArmed;
  }
}
