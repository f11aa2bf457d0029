package dev.bft.core.sim;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.sim.check.KvHistory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.SplittableRandom;

/**
 * Clients contending on a few keys with puts, gets, deletes and compare-and-sets of small values,
 * so that a linearizability violation has many chances to show. A share of the gets are read-only
 * requests (half by default), answered without ordering, which the history must show as
 * linearizable too. Every invocation and completion is recorded in {@link #history()}.
 */
public final class KvWorkload implements Workload {
  private final int keys;
  private final KvHistory history = new KvHistory();
  private final Map<Integer, Pending> pending = new TreeMap<>();

  private record Pending(long invoked, KvOperation op) {}

  /** Of every 100 gets, how many are read-only. */
  private final int readOnlyGetsPercent;
  private long readOnlyInvoked;

  public KvWorkload(int keys) {
    this(keys, 50);
  }

  public KvWorkload(int keys, int readOnlyGetsPercent) {
    if (readOnlyGetsPercent < 0 || readOnlyGetsPercent > 100) {
      throw new IllegalArgumentException("read-only share of gets " + readOnlyGetsPercent + " is not a percentage");
    }
    this.keys = keys;
    this.readOnlyGetsPercent = readOnlyGetsPercent;
  }

  public KvHistory history() {
    return history;
  }

  @Override
  public Operation next(int clientId, SplittableRandom random) {
    byte[] key = ("k" + random.nextInt(keys)).getBytes(StandardCharsets.UTF_8);
    byte[] value = {(byte) random.nextInt(4)};
    int dice = random.nextInt(100);
    KvOperation op;
    boolean readOnly = false;
    if (dice < 40) {
      op = new KvOperation.Put(key, value);
    } else if (dice < 70) {
      op = new KvOperation.Get(key);
      // From the dice already drawn, so a seed draws the same operations whatever the share.
      readOnly = (dice - 40) * 100 < readOnlyGetsPercent * 30;
    } else if (dice < 85) {
      op = new KvOperation.Cas(key, random.nextInt(3) == 0 ? null : new byte[] {(byte) random.nextInt(4)}, value);
    } else {
      op = new KvOperation.Delete(key);
    }
    return new Operation(op.encode(), readOnly);
  }

  /** Read-only requests invoked so far. */
  public long readOnlyInvoked() {
    return readOnlyInvoked;
  }

  @Override
  public void invoked(int clientId, long requestNumber, Operation op, long time) {
    if (op.readOnly()) {
      readOnlyInvoked++;
    }
    pending.put(clientId, new Pending(time, KvOperation.decode(op.bytes(), 1 << 10, 1 << 16)));
  }

  @Override
  public void completed(int clientId, long requestNumber, byte[] result, long time) {
    Pending p = pending.remove(clientId);
    history.add(new KvHistory.Event(clientId, p.invoked(), time, p.op(), KvResult.decode(result)));
  }

  /** Adds the operations still outstanding as pending events; call once after the run. */
  public KvHistory finish() {
    pending.forEach((client, p) -> history.add(new KvHistory.Event(client, p.invoked(), Long.MAX_VALUE, p.op(), null)));
    pending.clear();
    return history;
  }
}
