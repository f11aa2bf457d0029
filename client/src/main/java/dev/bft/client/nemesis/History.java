package dev.bft.client.nemesis;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.sim.check.KvHistory;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  enum Outcome { OK, FAIL, UNKNOWN }

  /** One operation; {@code result} is null unless it is OK, {@code completed} the time the client gave up when it is not. */
  record Op(int client, KvOperation op, boolean readOnly, long invoked, long completed, Outcome outcome, KvResult result) {}

  private final List<Op> ops = new ArrayList<>();

  synchronized void add(Op op) {
    ops.add(op);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /**
   * The history as the linearizability checker reads it: an unknown operation is pending (it may
   * take effect at any time after its invocation, or never), a failed one is left out (it had no
   * effect, and returned nothing to explain).
   */
  static List<KvHistory.Event> toCheckerEvents(List<Op> ops) {
    List<KvHistory.Event> events = new ArrayList<>();
    for (Op o : ops) {
      switch (o.outcome()) {
        case OK -> events.add(new KvHistory.Event(o.client(), o.invoked(), o.completed(), o.op(), o.result()));
        case UNKNOWN -> events.add(new KvHistory.Event(o.client(), o.invoked(), Long.MAX_VALUE, o.op(), null));
        case FAIL -> { }
      }
    }
    return events;
  }

  /** One line per operation, in invocation order: client, invoked and completed (µs), outcome, operation, result. */
  static void write(List<Op> ops, Path file) throws IOException {
    List<Op> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(Op::invoked));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("# client invoked_us completed_us outcome operation -> result\n");
      for (Op o : sorted) {
        w.write(o.client() + " " + o.invoked() / 1000 + " " + o.completed() / 1000 + " " + o.outcome().name().toLowerCase()
            + " " + (o.readOnly() ? "read-only " : "") + text(o.op()) + " -> " + (o.result() == null ? "?" : text(o.result())) + "\n");
      }
    }
  }

  static String text(KvOperation op) {
    String key = str(op.key());
    if (op instanceof KvOperation.Put p) {
      return "put " + key + " " + str(p.value());
    } else if (op instanceof KvOperation.Cas c) {
      return "cas " + key + " " + (c.expected() == null ? "absent" : str(c.expected())) + " " + str(c.newValue());
    }
    return (op instanceof KvOperation.Get ? "get " : "delete ") + key;
  }

  static String text(KvResult r) {
    return r.status().name().toLowerCase() + (r.value() == null ? "" : " " + str(r.value()));
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
