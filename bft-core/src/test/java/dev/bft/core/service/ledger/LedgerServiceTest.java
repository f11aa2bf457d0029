package dev.bft.core.service.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.service.ledger.LedgerResult.Status;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LedgerServiceTest {
  final LedgerService ledger = new LedgerService(16);
  long sequence;

  LedgerResult run(int client, LedgerOperation op) {
    return LedgerResult.decode(ledger.execute(op.encode(), new ExecutionContext(client, ++sequence, sequence, 0)));
  }

  @Test
  void transfersMoveMoneyAndNeverOverdraw() {
    assertThat(run(1, new LedgerOperation.Open(10))).isEqualTo(LedgerResult.ok(0));
    assertThat(run(2, new LedgerOperation.Open(20))).isEqualTo(LedgerResult.ok(0));
    assertThat(run(2, new LedgerOperation.Open(10)).status()).isEqualTo(Status.ACCOUNT_EXISTS);
    assertThat(run(2, new LedgerOperation.Deposit(10, 100))).isEqualTo(LedgerResult.ok(100));
    assertThat(run(1, new LedgerOperation.Transfer(10, 20, 30))).isEqualTo(LedgerResult.ok(70));
    assertThat(run(1, new LedgerOperation.Transfer(10, 20, 71)).status()).isEqualTo(Status.INSUFFICIENT_FUNDS);
    assertThat(run(2, new LedgerOperation.Transfer(10, 20, 1)).status()).as("not the owner").isEqualTo(Status.NOT_OWNER);
    assertThat(run(1, new LedgerOperation.Transfer(10, 99, 1)).status()).isEqualTo(Status.NO_SUCH_ACCOUNT);
    assertThat(run(1, new LedgerOperation.Transfer(10, 10, 1)).status()).isEqualTo(Status.INVALID_AMOUNT);
    assertThat(run(1, new LedgerOperation.Withdraw(10, -5)).status()).isEqualTo(Status.INVALID_AMOUNT);
    assertThat(run(2, new LedgerOperation.Withdraw(20, 5))).isEqualTo(LedgerResult.ok(25));
    assertThat(LedgerResult.decode(ledger.executeReadOnly(new LedgerOperation.Balance(10).encode()))).isEqualTo(LedgerResult.ok(70));
    assertThat(LedgerResult.decode(ledger.executeReadOnly(new LedgerOperation.Supply().encode())))
        .isEqualTo(LedgerResult.supply(100, 5, 2));
    assertThat(ledger.sumOfBalances()).isEqualTo(95);
    LedgerResult history = LedgerResult.decode(ledger.executeReadOnly(new LedgerOperation.History(20).encode()));
    assertThat(history.history()).extracting(Account.Entry::kind)
        .containsExactly(Account.Kind.RECEIVED, Account.Kind.WITHDRAWAL);
  }

  @Test
  void garbageAndWritesSentAsReadsAreErrorResults() {
    Random random = new Random(5);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[random.nextInt(40)];
      random.nextBytes(junk);
      LedgerOperation decoded = LedgerOperation.decode(junk);
      LedgerResult r = LedgerResult.decode(ledger.execute(junk, new ExecutionContext(1, i, i, 0)));
      if (decoded == null) {
        assertThat(r.status()).isEqualTo(Status.ERROR);
      }
    }
    assertThat(LedgerResult.decode(ledger.executeReadOnly(new LedgerOperation.Deposit(1, 1).encode())).status())
        .isEqualTo(Status.ERROR);
    assertThat(LedgerOperation.decode(new byte[] {LedgerOperation.TRANSFER, 1, 2})).isNull();
  }

  @Test
  void aDepositThatWouldOverflowTheSupplyIsRefused() {
    run(1, new LedgerOperation.Open(1));
    assertThat(run(1, new LedgerOperation.Deposit(1, Long.MAX_VALUE)).ok()).isTrue();
    assertThat(run(1, new LedgerOperation.Deposit(1, 1)).status()).isEqualTo(Status.INVALID_AMOUNT);
  }

  @Test
  void historyIsBoundedPerAccount() {
    run(1, new LedgerOperation.Open(1));
    for (int i = 0; i < 100; i++) {
      run(1, new LedgerOperation.Deposit(1, 1));
    }
    LedgerResult h = LedgerResult.decode(ledger.executeReadOnly(new LedgerOperation.History(1).encode()));
    assertThat(h.history()).hasSize(Account.HISTORY_LIMIT);
    assertThat(h.history().get(Account.HISTORY_LIMIT - 1).sequence()).isEqualTo(sequence);
  }

  @Test
  void aSnapshotStaysAsTakenAndItsChunksRebuildTheState() {
    Random random = new Random(9);
    for (int a = 0; a < 50; a++) {
      run(a, new LedgerOperation.Open(a));
      run(a, new LedgerOperation.Deposit(a, 1 + random.nextInt(1000)));
    }
    dev.bft.core.service.ByteChunkSnapshot snap = ledger.snapshot();
    var digest = ledger.stateDigest();
    long sum = ledger.sumOfBalances();
    for (int i = 0; i < 200; i++) {
      int from = random.nextInt(50);
      run(from, new LedgerOperation.Transfer(from, random.nextInt(50), 1 + random.nextInt(100)));
      run(from, new LedgerOperation.Withdraw(from, 1));
    }
    assertThat(ledger.stateDigest()).isNotEqualTo(digest);
    assertThat(LedgerService.sumOfBalances(snap)).isEqualTo(sum);
    LedgerService copy = new LedgerService(16);
    for (int c = 0; c < copy.chunkCount(); c++) {
      copy.installChunk(c, snap.chunk(c));
    }
    assertThat(copy.stateDigest()).isEqualTo(digest);
    assertThat(copy.chunkDigests()).isEqualTo(snap.chunkDigests());
    assertThat(copy.sumOfBalances()).isEqualTo(sum);
    LedgerResult supply = LedgerResult.decode(copy.executeReadOnly(new LedgerOperation.Supply().encode()));
    assertThat(supply.deposited() - supply.withdrawn()).isEqualTo(sum);
    assertThatThrownBy(() -> copy.installChunk(0, new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
  }
}
