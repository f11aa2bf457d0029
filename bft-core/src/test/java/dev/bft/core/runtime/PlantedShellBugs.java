package dev.bft.core.runtime;

import dev.bft.core.message.Commit;
import dev.bft.core.message.Message;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.storage.StorageException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Shell bugs planted on purpose, for tests that show the seeded simulation catches them. Test
 * code only: production has no switch that turns them on.
 */
public final class PlantedShellBugs {
  private PlantedShellBugs() {}

  /** A commit stage that lets a commit's messages leave before the commit: a crash between the two loses promises already made. */
  public static ShellParts sendBeforePersist() {
    return new ShellParts() {
      @Override
      CommitStage commitStage(int self, MessageEncoder encoder, DurableRecords durable, Transport transport,
                              Lane.Factory lanes, ShellClock clock, Consumer<StorageException> onFatal,
                              Stage.Sink stages, BiConsumer<String, Throwable> laneFailed) {
        return new CommitStage(self, encoder, durable, transport, lanes, clock, onFatal, stages, laneFailed) {
          @Override
          void commitAndSend() {
            sendCommitted();
            commitRecords();
          }
        };
      }
    };
  }

  /**
   * A vote filter that applies the PREPARE rule to COMMITs too: once this replica prepared a slot it
   * refuses the slot's COMMITs as surplus, though it needs 2f + 1 of them to commit.
   */
  public static ShellParts voteFilterDroppingCommits() {
    return new ShellParts() {
      @Override
      VoteFilter voteFilter(int replicas, long checkpointInterval) {
        return new VoteFilter(replicas, checkpointInterval) {
          @Override
          public boolean test(Message m) {
            if (m instanceof Commit c && preparedHere(c.view(), c.sequence())) {
              return false;
            }
            return super.test(m);
          }
        };
      }
    };
  }

  /**
   * The vote filter as it was before the simulation of the shell caught it: every PREPARE and
   * COMMIT for a sequence this replica executed is refused, also in a later view, where the
   * replicas lagging behind need this replica to prepare the re-proposed slot again.
   */
  public static ShellParts voteFilterRefusingExecutedSlots() {
    return new ShellParts() {
      @Override
      VoteFilter voteFilter(int replicas, long checkpointInterval) {
        return new VoteFilter(replicas, checkpointInterval) {
          @Override
          public boolean test(Message m) {
            if ((m instanceof Prepare p && p.sequence() <= executed()) || (m instanceof Commit c && c.sequence() <= executed())) {
              return false;
            }
            return super.test(m);
          }
        };
      }
    };
  }
}
