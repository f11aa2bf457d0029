package dev.bft.core.sim;

import dev.bft.core.service.ledger.LedgerOperation;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Clients of the ledger, each owning the account numbered by its client id: first it opens it,
 * then deposits, withdrawals and transfers (to accounts that may not exist, amounts that may not
 * be covered, so refusals are exercised too), and read-only balances and supplies.
 */
public final class LedgerWorkload implements Workload {
  private final int accounts;
  private final Set<Integer> opened = new HashSet<>();

  /** @param accounts transfers go to accounts {@code 1000 .. 1000 + accounts - 1} (clients' ids) */
  public LedgerWorkload(int accounts) {
    this.accounts = accounts;
  }

  @Override
  public Operation next(int clientId, SplittableRandom random) {
    if (opened.add(clientId)) {
      return ordered(new LedgerOperation.Open(clientId));
    }
    long other = Simulation.FIRST_CLIENT_ID + random.nextInt(accounts);
    long amount = 1 + random.nextInt(60);
    int dice = random.nextInt(100);
    if (dice < 30) {
      return ordered(new LedgerOperation.Deposit(random.nextInt(4) == 0 ? other : clientId, amount));
    } else if (dice < 45) {
      return ordered(new LedgerOperation.Withdraw(clientId, amount));
    } else if (dice < 85) {
      return ordered(new LedgerOperation.Transfer(clientId, other, amount));
    } else if (dice < 95) {
      return new Operation(new LedgerOperation.Balance(other).encode(), true);
    }
    return new Operation(new LedgerOperation.Supply().encode(), true);
  }

  private static Operation ordered(LedgerOperation op) {
    return new Operation(op.encode(), false);
  }
}
