package dev.bft.core.sim.check;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What clients observed of the key-value service: each operation with its invocation and completion time. */
public final class KvHistory {
  /** One operation; {@code result} is null and {@code completed} is Long.MAX_VALUE while it is pending. */
  public record Event(int client, long invoked, long completed, KvOperation op, KvResult result) {
    public boolean pending() {
      return result == null;
    }

    @Override
    public String toString() {
      return "client " + client + " [" + invoked + ", " + (pending() ? "pending" : completed) + "] "
          + KvOperationText.of(op) + " -> " + (pending() ? "?" : result);
    }
  }

  private final List<Event> events = new ArrayList<>();

  public synchronized void add(Event e) {
    events.add(e);
  }

  public synchronized List<Event> events() {
    return Collections.unmodifiableList(new ArrayList<>(events));
  }

  /** Readable form of an operation for failure messages. */
  static final class KvOperationText {
    private KvOperationText() {}

    static String of(KvOperation op) {
      String key = new String(op.key(), java.nio.charset.StandardCharsets.UTF_8);
      if (op instanceof KvOperation.Put p) {
        return "put(" + key + ", " + java.util.Arrays.toString(p.value()) + ")";
      } else if (op instanceof KvOperation.Cas c) {
        return "cas(" + key + ", " + (c.expected() == null ? "absent" : java.util.Arrays.toString(c.expected()))
            + " -> " + java.util.Arrays.toString(c.newValue()) + ")";
      }
      return (op instanceof KvOperation.Get ? "get(" : "delete(") + key + ")";
    }
  }
}
