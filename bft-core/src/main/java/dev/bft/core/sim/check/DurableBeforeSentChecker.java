package dev.bft.core.sim.check;

import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.ViewChange;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.sim.InvariantViolation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What persisting before sending promises, checked where it counts: when a replica comes back
 * from its storage. Every PRE-PREPARE, PREPARE or COMMIT a correct replica sent must be on record
 * there (for its sequence, in its view or a later one; or below the restored checkpoint), and every
 * VIEW-CHANGE must be covered by the stored view. A message that left before its record was durable
 * shows as a promise the restarted replica has forgotten, and could now contradict.
 */
public final class DurableBeforeSentChecker {
  private record Sent(String kind, long view, long sequence) {}

  private final Map<Integer, List<Sent>> sent = new HashMap<>();

  /** A frame of {@code replica}'s own left it (forwarded messages of others are not its promises). */
  public void onSent(int replica, ReplicaMessage m) {
    if (m.sender() != replica) {
      return;
    }
    Sent s = null;
    if (m instanceof PrePrepare pp) {
      s = new Sent("PRE-PREPARE", pp.view(), pp.sequence());
    } else if (m instanceof Prepare p) {
      s = new Sent("PREPARE", p.view(), p.sequence());
    } else if (m instanceof Commit c) {
      s = new Sent("COMMIT", c.view(), c.sequence());
    } else if (m instanceof ViewChange vc) {
      s = new Sent("VIEW-CHANGE", vc.newView(), -1);
    }
    if (s != null) {
      sent.computeIfAbsent(replica, k -> new ArrayList<>()).add(s);
    }
  }

  /** {@code replica} restarted with {@code state} and stored view {@code view}. */
  public void onRecovered(int replica, RecoveredState state, long view) {
    long below = state.lastExecuted();
    long storedView = view;
    for (LogRecord r : state.log()) {
      if (r instanceof LogRecord.StableCheckpoint sc) {
        below = Math.max(below, sc.sequence());
      } else if (r instanceof LogRecord.EnteredView v) {
        storedView = Math.max(storedView, v.view());
      }
    }
    List<Sent> promises = sent.computeIfAbsent(replica, k -> new ArrayList<>());
    for (Sent s : promises) {
      boolean kept = s.kind().equals("VIEW-CHANGE") ? storedView >= s.view()
          : s.sequence() <= below || onRecord(replica, s, state.log());
      if (!kept) {
        throw new InvariantViolation("durable before sent", "replica " + replica + " sent a " + s.kind() + " for view "
            + s.view() + (s.sequence() >= 0 ? ", sequence " + s.sequence() : "")
            + " and restarted without any record of it (stored view " + storedView + ", state at " + below + ")");
      }
    }
    // What is below the restored state can never be asked about again.
    long floor = below;
    promises.removeIf(s -> !s.kind().equals("VIEW-CHANGE") && s.sequence() <= floor);
  }

  private static boolean onRecord(int replica, Sent s, List<LogRecord> log) {
    for (LogRecord r : log) {
      if (s.kind().equals("PRE-PREPARE") && r instanceof LogRecord.AcceptedPrePrepare a
          && a.prePrepare().sender() == replica && covers(a.prePrepare().view(), a.prePrepare().sequence(), s)) {
        return true;
      }
      if (s.kind().equals("PREPARE") && r instanceof LogRecord.SentPrepare p
          && covers(p.prepare().view(), p.prepare().sequence(), s)) {
        return true;
      }
      if (s.kind().equals("COMMIT") && r instanceof LogRecord.SentCommit c
          && covers(c.commit().view(), c.commit().sequence(), s)) {
        return true;
      }
    }
    return false;
  }

  /** A stored record for the sequence in the sent view or a later one (a later one replaces it in storage). */
  private static boolean covers(long view, long sequence, Sent s) {
    return sequence == s.sequence() && view >= s.view();
  }
}
