package dev.bft.core.service.ledger;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ServiceProvider;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.core.service.ledger.LedgerResult.Status;
import dev.bft.crypto.Digest;

/**
 * The replicated ledger. An account is opened by a client and owned by it: only its owner
 * withdraws from it or transfers out of it, anyone deposits into it or transfers to it. No
 * operation takes an account below zero, and every amount is positive, so the sum of balances is
 * always the total deposited minus the total withdrawn; deposits that would take the total past
 * {@link Long#MAX_VALUE} are refused, so no sum overflows.
 */
public final class LedgerService implements ByteChunkService {
  public static final int DEFAULT_BUCKETS = 256;

  private final LedgerState state;

  public LedgerService() {
    this(DEFAULT_BUCKETS);
  }

  public LedgerService(int buckets) {
    this.state = new LedgerState(buckets);
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    LedgerOperation op = LedgerOperation.decode(operation);
    if (op == null) {
      return LedgerResult.error("not a ledger operation").encode();
    }
    return apply(op, ctx).encode();
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    LedgerOperation op = LedgerOperation.decode(operation);
    if (op == null || !op.readOnly()) {
      return LedgerResult.error("not a read-only ledger operation").encode();
    }
    return read(op).encode();
  }

  private LedgerResult read(LedgerOperation op) {
    if (op instanceof LedgerOperation.Supply) {
      return LedgerResult.supply(state.deposited(), state.withdrawn(), state.accounts());
    }
    long id = op instanceof LedgerOperation.Balance b ? b.account() : ((LedgerOperation.History) op).account();
    Account a = state.get(id);
    if (a == null) {
      return LedgerResult.refused(Status.NO_SUCH_ACCOUNT);
    }
    return op instanceof LedgerOperation.Balance ? LedgerResult.ok(a.balance()) : LedgerResult.history(a.history());
  }

  private LedgerResult apply(LedgerOperation op, ExecutionContext ctx) {
    if (op.readOnly()) {
      return read(op);
    }
    if (op instanceof LedgerOperation.Open o) {
      if (state.get(o.account()) != null) {
        return LedgerResult.refused(Status.ACCOUNT_EXISTS);
      }
      state.put(o.account(), Account.opened(ctx.clientId()), 0, 0);
      return LedgerResult.ok(0);
    }
    if (op instanceof LedgerOperation.Deposit d) {
      Account a = state.get(d.account());
      if (a == null) {
        return LedgerResult.refused(Status.NO_SUCH_ACCOUNT);
      }
      if (d.amount() <= 0 || d.amount() > Long.MAX_VALUE - state.deposited()) {
        return LedgerResult.refused(Status.INVALID_AMOUNT);
      }
      long balance = a.balance() + d.amount();
      state.put(d.account(), a.with(balance, entry(ctx, Account.Kind.DEPOSIT, 0, d.amount())), d.amount(), 0);
      return LedgerResult.ok(balance);
    }
    if (op instanceof LedgerOperation.Withdraw w) {
      Account a = state.get(w.account());
      LedgerResult refused = refusal(a, w.amount(), ctx);
      if (refused != null) {
        return refused;
      }
      long balance = a.balance() - w.amount();
      state.put(w.account(), a.with(balance, entry(ctx, Account.Kind.WITHDRAWAL, 0, w.amount())), 0, w.amount());
      return LedgerResult.ok(balance);
    }
    LedgerOperation.Transfer t = (LedgerOperation.Transfer) op;
    Account from = state.get(t.from());
    LedgerResult refused = refusal(from, t.amount(), ctx);
    if (refused != null) {
      return refused;
    }
    Account to = state.get(t.to());
    if (to == null) {
      return LedgerResult.refused(Status.NO_SUCH_ACCOUNT);
    }
    if (t.from() == t.to()) {
      return LedgerResult.refused(Status.INVALID_AMOUNT);
    }
    long balance = from.balance() - t.amount();
    state.put(t.from(), from.with(balance, entry(ctx, Account.Kind.SENT, t.to(), t.amount())), 0, 0);
    // to.balance + amount <= sum of balances <= total deposited: no overflow
    state.put(t.to(), to.with(to.balance() + t.amount(), entry(ctx, Account.Kind.RECEIVED, t.from(), t.amount())), 0, 0);
    return LedgerResult.ok(balance);
  }

  /** Why money cannot leave account {@code a} for this client, or null if it can. */
  private static LedgerResult refusal(Account a, long amount, ExecutionContext ctx) {
    if (a == null) {
      return LedgerResult.refused(Status.NO_SUCH_ACCOUNT);
    }
    if (a.owner() != ctx.clientId()) {
      return LedgerResult.refused(Status.NOT_OWNER);
    }
    if (amount <= 0) {
      return LedgerResult.refused(Status.INVALID_AMOUNT);
    }
    if (amount > a.balance()) {
      return LedgerResult.refused(Status.INSUFFICIENT_FUNDS);
    }
    return null;
  }

  private static Account.Entry entry(ExecutionContext ctx, Account.Kind kind, long counterparty, long amount) {
    return new Account.Entry(ctx.sequence(), kind, counterparty, amount);
  }

  @Override
  public int chunkCount() {
    return state.bucketCount();
  }

  @Override
  public Digest[] chunkDigests() {
    return state.digests();
  }

  @Override
  public Digest stateDigest() {
    return state.root();
  }

  @Override
  public ByteChunkSnapshot snapshot() {
    return state.snapshot();
  }

  @Override
  public void installChunk(int chunk, byte[] content) {
    state.install(chunk, content);
  }

  /** The sum of every balance, added up account by account (for checks; the totals are kept apart). */
  public long sumOfBalances() {
    long sum = 0;
    for (Account a : state.all()) {
      sum = Math.addExact(sum, a.balance());
    }
    return sum;
  }

  /** Adds up the balances in a snapshot's chunks, independently of any service object: for invariant checks. */
  public static long sumOfBalances(ByteChunkSnapshot snapshot) {
    long sum = 0;
    Digest[] leaves = snapshot.chunkDigests();
    for (int c = 0; c < leaves.length; c++) {
      for (Account a : LedgerState.decode(snapshot.chunk(c)).accounts.values()) {
        sum = Math.addExact(sum, a.balance());
      }
    }
    return sum;
  }

  /** Registers the ledger as {@code --service ledger}. */
  public static final class Provider implements ServiceProvider {
    @Override
    public String name() {
      return "ledger";
    }

    @Override
    public String description() {
      return "the ledger: accounts, deposits, withdrawals and transfers that never overdraw";
    }

    @Override
    public ReplicatedService create() {
      return new LedgerService();
    }
  }
}
