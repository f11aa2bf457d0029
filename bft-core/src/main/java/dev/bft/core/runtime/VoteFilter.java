package dev.bft.core.runtime;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Message;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.Status;
import dev.bft.core.message.ViewChange;
import dev.bft.core.protocol.LogRecord;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The verification stage's cheap check before a signature: whether a replica's message could
 * still change anything at this replica. What the protocol would drop after checking the
 * signature should cost a parse, not a signature check, so a flooding replica spends its own CPU
 * on signing and ours only on parsing. Refused:
 * <ul>
 *   <li>a PREPARE or COMMIT of an older view, or outside the window;
 *   <li>a COMMIT for a sequence number this replica executed after preparing it in that view: its
 *       own COMMIT is out and the slot needs nothing more here (this spares the surplus vote of
 *       every slot). A vote for an executed sequence in a view this replica has not prepared it in
 *       passes: after a view change the new primary re-proposes it, and the replicas that lag
 *       behind can commit it only once this one prepares it again and sends its COMMIT in the
 *       new view (refusing those votes left two lagging replicas stuck for good, which the
 *       seeded simulation of the shell found);
 *   <li>a PREPARE for a sequence number this replica already prepared in that view: its prepared
 *       certificate holds the 2f it needs, and at n = 4 the third PREPARE of a slot (the second,
 *       at a backup) is surplus whenever it comes after the certificate;
 *   <li>a CHECKPOINT that is not at a multiple of the checkpoint interval, or at or below the low
 *       watermark (a correct replica sends neither, and the protocol drops both);
 *   <li>a STATUS for a view above this replica's (the protocol drops those);
 *   <li>a VIEW-CHANGE for a view below this replica's, or above it but not above the latest one held
 *       from its sender (the protocol keeps one per sender, the highest).
 * </ul>
 * Everything else passes.
 *
 * <p>The protocol thread publishes its view, watermarks, last executed sequence and latest
 * VIEW-CHANGE per sender after each group of events; the verification threads read them. All only
 * grow (within one incarnation), so a stale value makes the check more lenient, never stricter; one
 * view ahead and one window beyond the high watermark are let through for what the published values
 * lag behind.
 *
 * <p>Not final only so that a test can plant a filter that drops a valid vote and show that the
 * seeded simulation catches it.
 */
class VoteFilter implements Predicate<Message> {
  private final long checkpointInterval;
  private volatile long view;
  private volatile long low;
  private volatile long high;
  private volatile long executed;
  private final AtomicLongArray latestViewChange;
  /** By sequence number modulo its length: the (view, sequence) last prepared there; overwritten, so only ever lenient. */
  private final AtomicReferenceArray<long[]> prepared = new AtomicReferenceArray<>(1024);

  VoteFilter(int replicas, long checkpointInterval) {
    this.checkpointInterval = checkpointInterval;
    this.latestViewChange = new AtomicLongArray(replicas);
    for (int i = 0; i < replicas; i++) {
      latestViewChange.set(i, -1);
    }
  }

  /** On the protocol thread, after a group of events. */
  void publish(long view, long lowWatermark, long highWatermark, long lastExecuted) {
    this.view = view;
    this.low = lowWatermark;
    this.high = highWatermark;
    this.executed = lastExecuted;
  }

  /**
   * On the protocol thread, for every record the replica persists: a prepared certificate marks its
   * slot, whose further PREPAREs are then not worth a check.
   */
  void persisted(LogRecord record) {
    if (record instanceof LogRecord.Prepared p) {
      prepared(p.certificate().prePrepare().view(), p.certificate().prePrepare().sequence());
    }
  }

  /** On the protocol thread: this replica prepared {@code sequence} in {@code view}. */
  void prepared(long view, long sequence) {
    prepared.set((int) (sequence & (prepared.length() - 1)), new long[] {view, sequence});
  }

  /** On the protocol thread: the latest VIEW-CHANGE it holds from {@code replica} is for {@code view}. */
  void publishViewChange(int replica, long view) {
    latestViewChange.set(replica, view);
  }

  @Override
  public boolean test(Message m) {
    if (m instanceof Prepare p) {
      return !preparedHere(p.view(), p.sequence()) && voteCounts(p.view(), p.sequence());
    }
    if (m instanceof Commit c) {
      return !(c.sequence() <= executed && preparedHere(c.view(), c.sequence())) && voteCounts(c.view(), c.sequence());
    }
    if (m instanceof Checkpoint c) {
      return c.sequence() % checkpointInterval == 0 && c.sequence() > low;
    }
    if (m instanceof Status s) {
      return s.view() <= view + 1;
    }
    if (m instanceof ViewChange vc) {
      long current = view;
      if (vc.newView() < current) {
        return false;
      }
      int sender = vc.sender();
      return vc.newView() == current || sender < 0 || sender >= latestViewChange.length()
          || vc.newView() > latestViewChange.get(sender);
    }
    return true;
  }

  /** The last executed sequence number the protocol lane published. */
  final long executed() {
    return executed;
  }

  /** Whether this replica holds a prepared certificate for {@code sequence} in {@code view} (as far as the marks remember). */
  final boolean preparedHere(long view, long sequence) {
    long[] mark = prepared.get((int) (sequence & (prepared.length() - 1)));
    return mark != null && mark[0] == view && mark[1] == sequence;
  }

  private boolean voteCounts(long v, long sequence) {
    long h = high;
    long window = h - low;
    return v >= view && v <= view + 1 && sequence > low && sequence <= h + window;
  }
}
