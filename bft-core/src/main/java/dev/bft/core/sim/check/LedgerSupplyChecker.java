package dev.bft.core.sim.check;

import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ledger.LedgerOperation;
import dev.bft.core.service.ledger.LedgerResult;
import dev.bft.core.service.ledger.LedgerService;
import dev.bft.core.sim.InvariantViolation;
import dev.bft.core.sim.SimObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Money is neither created nor destroyed: at each correct replica, after each operation it
 * executes, the balances in its ledger add up to the amounts of the deposits minus the amounts of
 * the withdrawals that replica executed with an OK result. The checker counts those from the
 * operations and results alone and adds up the balances from the state's chunks, so it trusts
 * neither the service's totals nor its accounts' bookkeeping.
 *
 * <p>A replica that skips executions (state transfer, recovery from storage) adopts the count that
 * correct replicas had at that checkpoint (correct replicas must agree on it); its next execution
 * then checks that the installed balances add up to it.
 */
public final class LedgerSupplyChecker implements SimObserver {
  private final IntPredicate correct;
  /** Deposits minus withdrawals executed so far, per correct replica. */
  private final Map<Integer, Long> net = new HashMap<>();
  /** The same count at each checkpoint a correct replica took. */
  private final Map<Long, Long> netAtCheckpoint = new HashMap<>();
  private long checks;

  /** @param correct whether a replica is correct (Byzantine replicas are not held to anything) */
  public LedgerSupplyChecker(IntPredicate correct) {
    this.correct = correct;
  }

  /** How many times balances were added up and compared: a run that checked nothing shows 0. */
  public long checks() {
    return checks;
  }

  @Override
  public void operationExecuted(int replica, byte[] operation, byte[] result, ReplicatedService service, long now) {
    if (!correct.test(replica)) {
      return;
    }
    LedgerOperation op = LedgerOperation.decode(operation);
    long change = 0;
    if (op instanceof LedgerOperation.Deposit d && LedgerResult.decode(result).ok()) {
      change = d.amount();
    } else if (op instanceof LedgerOperation.Withdraw w && LedgerResult.decode(result).ok()) {
      change = -w.amount();
    }
    long expected = net.merge(replica, change, Long::sum);
    compare(replica, service, expected, "after executing " + op);
  }

  @Override
  public void checkpointTaken(int replica, long sequence, long now) {
    if (!correct.test(replica)) {
      return;
    }
    long mine = net.getOrDefault(replica, 0L);
    Long recorded = netAtCheckpoint.putIfAbsent(sequence, mine);
    if (recorded != null && recorded != mine) {
      throw new InvariantViolation("ledger-supply", "at checkpoint " + sequence + " replica " + replica
          + " executed deposits minus withdrawals of " + mine + ", another correct replica " + recorded);
    }
  }

  @Override
  public void stateInstalled(int replica, long sequence, long now) {
    if (!correct.test(replica)) {
      return;
    }
    Long recorded = sequence == 0 ? Long.valueOf(0) : netAtCheckpoint.get(sequence);
    if (recorded == null) {
      // f + 1 correct replicas took every checkpoint that can be installed, so this is a checker bug
      throw new IllegalStateException("replica " + replica + " installed checkpoint " + sequence
          + ", which no correct replica was seen taking");
    }
    net.put(replica, recorded);
  }

  private void compare(int replica, ReplicatedService service, long expected, String when) {
    long sum = LedgerService.sumOfBalances((dev.bft.core.service.ByteChunkSnapshot) service.snapshot());
    checks++;
    if (sum != expected) {
      throw new InvariantViolation("ledger-supply", "replica " + replica + " " + when + ": its balances add up to "
          + sum + ", but the deposits minus withdrawals it executed come to " + expected);
    }
  }
}
