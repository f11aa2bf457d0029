package dev.bft.client.nemesis;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.sim.check.KvHistory;
import dev.bft.core.sim.check.KvHistoryFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every client operation of a nemesis run: what was invoked, when (nanoseconds since the run
 * started), and how it ended. An operation whose outcome is unknown (its deadline passed, or the
 * client could not tell) may or may not have taken effect; one that failed is known not to have.
 */
final class History {
  /** One operation; {@code result} is null unless it is OK, {@code completed} the time the client gave up when it is not. */
  record Op(int client, KvOperation op, boolean readOnly, long invoked, long completed, KvHistory.Outcome outcome,
            KvResult result) {}

  private final List<Op> ops = new ArrayList<>();

  synchronized void add(Op op) {
    ops.add(op);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /**
   * The history as the linearizability checker reads it: an unknown operation may take effect at
   * any time after its invocation, or never; a failed one never did.
   */
  static List<KvHistory.Event> toCheckerEvents(List<Op> ops) {
    List<Op> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(Op::invoked));
    List<KvHistory.Event> events = new ArrayList<>();
    for (Op o : sorted) {
      events.add(switch (o.outcome()) {
        case OK -> KvHistory.Event.ok(o.client(), o.invoked(), o.completed(), o.op(), o.result());
        case UNKNOWN -> KvHistory.Event.unknown(o.client(), o.invoked(), o.op());
        case FAIL -> KvHistory.Event.fail(o.client(), o.invoked(), o.completed(), o.op());
      });
    }
    return events;
  }

  /**
   * The history file {@code bft check-history} reads (docs/linearizability.md), in invocation
   * order, times in nanoseconds since the run started.
   */
  static void write(List<Op> ops, Path file) throws IOException {
    KvHistoryFile.write(file, toCheckerEvents(ops));
  }
}
