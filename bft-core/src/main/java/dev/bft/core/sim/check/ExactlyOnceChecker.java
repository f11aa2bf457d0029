package dev.bft.core.sim.check;

import dev.bft.core.sim.InvariantViolation;
import java.util.HashMap;
import java.util.Map;

/**
 * Exactly once: each (client, request number) executes at most once per correct replica. Request
 * numbers strictly increase per client, so it suffices to remember the last one executed.
 */
public final class ExactlyOnceChecker {
  private final Map<Long, Long> lastByReplicaAndClient = new HashMap<>();

  /**
   * A replica restarted from storage with the state of an earlier checkpoint: it will execute again
   * what came after, which is correct, so its record restarts from the recovered client table.
   */
  public void reset(int replica, dev.bft.core.protocol.ClientTable clients) {
    lastByReplicaAndClient.keySet().removeIf(k -> (int) (k >>> 32) == replica);
    clients.entries().forEach((client, entry) ->
        lastByReplicaAndClient.put(((long) replica << 32) | (client & 0xFFFFFFFFL), entry.requestNumber()));
  }

  public void onExecuted(int replica, int clientId, long requestNumber) {
    long key = ((long) replica << 32) | (clientId & 0xFFFFFFFFL);
    Long last = lastByReplicaAndClient.put(key, requestNumber);
    if (last != null && last >= requestNumber) {
      throw new InvariantViolation("exactly-once", "replica " + replica + " executed request " + requestNumber
          + " of client " + clientId + " after already executing request " + last);
    }
  }
}
