package dev.bft.client;

import dev.bft.core.service.ledger.Account;
import dev.bft.core.service.ledger.LedgerOperation;
import dev.bft.core.service.ledger.LedgerResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ledger ({@code --service ledger}) through a {@link BftClient}: operations are encoded and
 * results decoded here, so an application deals in accounts and amounts. Balances, histories and
 * the supply are read-only requests (2f + 1 matching replies, no ordering, re-issued ordered if
 * the replicas disagree); everything else is ordered.
 */
public final class LedgerClient {
  private final BftClient client;

  public LedgerClient(BftClient client) {
    this.client = client;
  }

  /** Opens {@code account}, owned by this client from now on. */
  public CompletableFuture<LedgerResult> open(long account) {
    return ordered(new LedgerOperation.Open(account));
  }

  public CompletableFuture<LedgerResult> deposit(long account, long amount) {
    return ordered(new LedgerOperation.Deposit(account, amount));
  }

  /** Takes money out of an account this client owns. */
  public CompletableFuture<LedgerResult> withdraw(long account, long amount) {
    return ordered(new LedgerOperation.Withdraw(account, amount));
  }

  /** Moves money from an account this client owns; the result holds the sender's new balance. */
  public CompletableFuture<LedgerResult> transfer(long from, long to, long amount) {
    return ordered(new LedgerOperation.Transfer(from, to, amount));
  }

  /** The balance (as an OK result), or NO_SUCH_ACCOUNT. */
  public CompletableFuture<LedgerResult> balance(long account) {
    return read(new LedgerOperation.Balance(account));
  }

  /** The account's newest entries, oldest first (at most {@link Account#HISTORY_LIMIT}). */
  public CompletableFuture<List<Account.Entry>> history(long account) {
    return read(new LedgerOperation.History(account)).thenApply(LedgerResult::history);
  }

  /** The totals deposited and withdrawn and the number of accounts. */
  public CompletableFuture<LedgerResult> supply() {
    return read(new LedgerOperation.Supply());
  }

  private CompletableFuture<LedgerResult> ordered(LedgerOperation op) {
    return client.invoke(op.encode()).thenApply(LedgerResult::decode);
  }

  private CompletableFuture<LedgerResult> read(LedgerOperation op) {
    return client.invokeReadOnly(op.encode()).thenApply(LedgerResult::decode);
  }
}
