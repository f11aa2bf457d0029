package dev.bft.core.runtime;

import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.storage.StorageException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Makes the two parts of the shell whose mistakes the seeded simulation must be able to show: the
 * vote filter and the commit stage. Production uses {@link #PRODUCTION}; a test in this package
 * subclasses it to plant a faulty part (a filter that drops a valid vote, a commit stage that sends
 * before it persists) and checks that a campaign fails with it. Nothing outside tests overrides it.
 */
public class ShellParts {
  public static final ShellParts PRODUCTION = new ShellParts();

  protected ShellParts() {}

  VoteFilter voteFilter(int replicas, long checkpointInterval) {
    return new VoteFilter(replicas, checkpointInterval);
  }

  CommitStage commitStage(int self, MessageEncoder encoder, DurableRecords durable, Transport transport,
                          Lane.Factory lanes, ShellClock clock, Consumer<StorageException> onFatal, Stage.Sink stages,
                          BiConsumer<String, Throwable> laneFailed) {
    return new CommitStage(self, encoder, durable, transport, lanes, clock, onFatal, stages, laneFailed);
  }
}
