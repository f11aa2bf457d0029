package dev.bft.core.sim;

import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ledger.LedgerOperation;
import dev.bft.core.service.ledger.LedgerResult;
import dev.bft.core.service.ledger.LedgerService;
import dev.bft.crypto.Digest;

/**
 * A ledger with a planted bug: every transfer also destroys one unit of the sender's money. The
 * tests that run {@link dev.bft.core.sim.check.LedgerSupplyChecker} show with it that the checker
 * catches a ledger that does not conserve money (public: the adversary's scenarios plant it too).
 */
public final class LeakyLedger implements ByteChunkService {
  private final LedgerService ledger = new LedgerService(4);

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    byte[] result = ledger.execute(operation, ctx);
    if (LedgerOperation.decode(operation) instanceof LedgerOperation.Transfer t && LedgerResult.decode(result).ok()) {
      ledger.execute(new LedgerOperation.Withdraw(t.from(), 1).encode(), ctx);
    }
    return result;
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return ledger.executeReadOnly(operation);
  }

  @Override
  public int chunkCount() {
    return ledger.chunkCount();
  }

  @Override
  public Digest[] chunkDigests() {
    return ledger.chunkDigests();
  }

  @Override
  public ByteChunkSnapshot snapshot() {
    return ledger.snapshot();
  }

  @Override
  public void installChunk(int chunk, byte[] content) {
    ledger.installChunk(chunk, content);
  }
}
