package dev.bft.core.sim.check;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What clients observed of the key-value service: each operation with its invocation and completion time. */
public final class KvHistory {
  /**
   * What a client knows about whether its operation happened. A client that timed out cannot know
   * (the request may still be ordered later), so {@link #UNKNOWN} is the honest record of a timeout;
   * {@link #FAIL} is only for an operation that certainly never executed (refused before it was
   * ordered, or never sent).
   */
  public enum Outcome {
    /** Completed with {@code result}. */
    OK,
    /** Certainly did not take effect. */
    FAIL,
    /** May take effect at any point after its invocation, or never. */
    UNKNOWN
  }

  /**
   * One operation. {@code result} is set exactly when the outcome is {@link Outcome#OK}; for an
   * unknown outcome {@code completed} is Long.MAX_VALUE (the operation never returned).
   */
  public record Event(int client, long invoked, long completed, KvOperation op, KvResult result, Outcome outcome) {
    public Event {
      if (op == null || outcome == null) {
        throw new IllegalArgumentException("an event needs an operation and an outcome");
      }
      if ((outcome == Outcome.OK) != (result != null)) {
        throw new IllegalArgumentException("outcome " + outcome + (result == null ? " without" : " with") + " a result");
      }
      if (outcome == Outcome.UNKNOWN) {
        completed = Long.MAX_VALUE;
      }
      if (completed < invoked) {
        throw new IllegalArgumentException("completed at " + completed + " before its invocation at " + invoked);
      }
    }

    /** The simulator's form: a null result means the operation was still pending (unknown outcome). */
    public Event(int client, long invoked, long completed, KvOperation op, KvResult result) {
      this(client, invoked, completed, op, result, result == null ? Outcome.UNKNOWN : Outcome.OK);
    }

    public static Event ok(int client, long invoked, long completed, KvOperation op, KvResult result) {
      return new Event(client, invoked, completed, op, result, Outcome.OK);
    }

    public static Event unknown(int client, long invoked, KvOperation op) {
      return new Event(client, invoked, Long.MAX_VALUE, op, null, Outcome.UNKNOWN);
    }

    /** {@code completed} is when the client learned the operation failed (or {@code invoked}). */
    public static Event fail(int client, long invoked, long completed, KvOperation op) {
      return new Event(client, invoked, completed, op, null, Outcome.FAIL);
    }

    public boolean pending() {
      return outcome == Outcome.UNKNOWN;
    }

    @Override
    public String toString() {
      return "client " + client + " [" + invoked + ", " + switch (outcome) {
        case OK -> completed + "] " + KvOperationText.of(op) + " -> " + KvOperationText.of(result);
        case FAIL -> completed + "] " + KvOperationText.of(op) + " -> failed (did not take effect)";
        case UNKNOWN -> "unknown] " + KvOperationText.of(op) + " -> ? (may or may not take effect)";
      };
    }
  }

  private final List<Event> events = new ArrayList<>();

  public synchronized void add(Event e) {
    events.add(e);
  }

  public synchronized List<Event> events() {
    return Collections.unmodifiableList(new ArrayList<>(events));
  }

  /** Readable form of operations and results for failure messages, bytes as in the history file. */
  static final class KvOperationText {
    private KvOperationText() {}

    static String of(KvOperation op) {
      String key = KvHistoryFile.bytes(op.key());
      if (op instanceof KvOperation.Put p) {
        return "put(" + key + ", " + KvHistoryFile.bytes(p.value()) + ")";
      } else if (op instanceof KvOperation.Cas c) {
        return "cas(" + key + ", " + KvHistoryFile.bytesOrAbsent(c.expected()) + " -> " + KvHistoryFile.bytes(c.newValue()) + ")";
      }
      return (op instanceof KvOperation.Get ? "get(" : "delete(") + key + ")";
    }

    static String of(KvResult r) {
      return switch (r.status()) {
        case OK -> "ok";
        case ABSENT -> "absent";
        case VALUE -> "value " + KvHistoryFile.bytes(r.value());
        case CAS_FAILED -> "cas-failed " + KvHistoryFile.bytesOrAbsent(r.value());
        case ERROR -> "error " + KvHistoryFile.bytesOrAbsent(r.value());
      };
    }
  }
}
