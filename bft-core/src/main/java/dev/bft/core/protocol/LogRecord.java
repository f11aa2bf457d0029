package dev.bft.core.protocol;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import java.util.List;

/**
 * What a replica writes to durable storage. Enough to rebuild, after a crash, every promise it
 * made: the PRE-PREPAREs it accepted (or issued), the PREPAREs and COMMITs it sent, its view, and
 * its stable checkpoint with proof (everything at or below which may be deleted).
 */
public sealed interface LogRecord {
  record AcceptedPrePrepare(PrePrepare prePrepare) implements LogRecord {}

  record SentPrepare(Prepare prepare) implements LogRecord {}

  record SentCommit(Commit commit) implements LogRecord {}

  /**
   * The replica moved to {@code view}: {@code changing} while it waits for the view's NEW-VIEW
   * (after sending its VIEW-CHANGE), false once the view is running.
   */
  record EnteredView(long view, boolean changing) implements LogRecord {}

  /** A prepared certificate, kept so a restarted replica still reports it in a VIEW-CHANGE. */
  record Prepared(PreparedProof certificate) implements LogRecord {}

  /** A checkpoint became stable; storage may delete every log record at or below {@code sequence}. */
  record StableCheckpoint(long sequence, List<Checkpoint> proof) implements LogRecord {
    public StableCheckpoint {
      proof = List.copyOf(proof);
    }
  }
}
