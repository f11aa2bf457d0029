package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.client.LedgerClient;
import dev.bft.core.service.ledger.LedgerResult;
import java.io.PrintWriter;

/**
 * {@code bft cluster --service ledger}'s demo: opens accounts, funds them, moves money around them
 * (one transfer more than the sender holds, which must be refused), and checks every balance and
 * the total supply against what it computed itself.
 */
final class LedgerDemo {
  static final int ACCOUNTS = 4;
  static final long FUNDING = 1000;

  private LedgerDemo() {}

  /** Runs {@code transfers} transfers; returns the number of unexpected results (0: all as expected). */
  static int run(BftClient bft, PrintWriter out, int transfers) throws Exception {
    LedgerClient ledger = new LedgerClient(bft);
    long base = System.currentTimeMillis() * 16; // fresh account numbers each run: the cluster may keep its state
    long[] expected = new long[ACCOUNTS];
    int wrong = 0;
    LedgerResult before = get(ledger.supply());
    for (int a = 0; a < ACCOUNTS; a++) {
      LedgerResult opened = get(ledger.open(base + a));
      LedgerResult funded = get(ledger.deposit(base + a, FUNDING));
      expected[a] = FUNDING;
      out.printf("open account %d and deposit %d -> %s%n", base + a, FUNDING, funded);
      wrong += opened.ok() && funded.ok() && funded.balance() == FUNDING ? 0 : 1;
    }
    for (int i = 0; i < transfers; i++) {
      int from = i % ACCOUNTS;
      int to = (i * 3 + 1) % ACCOUNTS == from ? (from + 1) % ACCOUNTS : (i * 3 + 1) % ACCOUNTS;
      long amount = 1 + (i * 37L) % 200;
      LedgerResult r = get(ledger.transfer(base + from, base + to, amount));
      boolean covered = expected[from] >= amount;
      if (covered) {
        expected[from] -= amount;
        expected[to] += amount;
      }
      out.printf("transfer %d from %d to %d -> %s%n", amount, base + from, base + to, r);
      wrong += covered ? (r.ok() && r.balance() == expected[from] ? 0 : 1)
          : (r.status() == LedgerResult.Status.INSUFFICIENT_FUNDS ? 0 : 1);
    }
    long tooMuch = expected[0] + 1;
    LedgerResult overdraw = get(ledger.transfer(base, base + 1, tooMuch));
    out.printf("transfer %d from %d (holds %d) -> %s%n", tooMuch, base, expected[0], overdraw);
    wrong += overdraw.status() == LedgerResult.Status.INSUFFICIENT_FUNDS ? 0 : 1;
    long sum = 0;
    for (int a = 0; a < ACCOUNTS; a++) {
      LedgerResult b = get(ledger.balance(base + a));
      out.printf("balance of %d -> %s (expected %d)%n", base + a, b, expected[a]);
      wrong += b.ok() && b.balance() == expected[a] ? 0 : 1;
      sum += b.ok() ? b.balance() : 0;
    }
    out.printf("history of %d -> %s%n", base, get(ledger.history(base)));
    LedgerResult after = get(ledger.supply());
    long added = (after.deposited() - after.withdrawn()) - (before.deposited() - before.withdrawn());
    boolean conserved = sum == ACCOUNTS * FUNDING && added == ACCOUNTS * FUNDING;
    out.printf("supply -> %s; these accounts hold %d, %d deposited: %s%n", after, sum, ACCOUNTS * FUNDING,
        conserved ? "no money created or destroyed" : "MONEY NOT CONSERVED");
    wrong += conserved ? 0 : 1;
    out.printf("%s%n", wrong == 0 ? "every result as expected" : wrong + " unexpected results");
    out.flush();
    return wrong;
  }

  /** The client's deadline bounds the wait; past it, the BftClientException ends the demo. */
  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) {
    return f.join();
  }
}
