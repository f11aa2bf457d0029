package dev.bft.core.protocol;

import java.util.List;

/**
 * What a replica finds in durable storage when it restarts: the service state (held by the
 * service itself) was written in the same transaction as {@code lastExecuted} and the client table,
 * and {@code log} holds the records it persisted above its stable checkpoint, oldest first.
 */
public record RecoveredState(long lastExecuted, ClientTable clientTable, List<LogRecord> log) {
  public RecoveredState {
    log = List.copyOf(log);
  }
}
