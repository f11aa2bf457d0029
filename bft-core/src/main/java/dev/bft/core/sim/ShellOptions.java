package dev.bft.core.sim;

import dev.bft.core.runtime.ShellParts;

/**
 * Replicas run the production shell ({@link dev.bft.core.runtime.ReplicaShell}) instead of the
 * simulator's own effects: messages travel as signed frames, are verified by the shell's
 * verification stage, and leave only through its commit stage.
 *
 * @param parts          the shell's parts: {@link ShellParts#PRODUCTION}, or a test's planted faulty ones
 * @param crashPerCommit the chance that a replica loses power in the middle of a storage commit:
 *                       the commit is lost, the replica is down, and it restarts from what was durable
 * @param restartAfter   ticks from such a crash to the restart
 * @param crashesUntil   the tick from which on the disks hold: liveness is owed once faults stop
 */
public record ShellOptions(ShellParts parts, double crashPerCommit, long restartAfter, long crashesUntil) {
  public static ShellOptions production() {
    return new ShellOptions(ShellParts.PRODUCTION, 0, 100, 0);
  }

  public ShellOptions withParts(ShellParts shellParts) {
    return new ShellOptions(shellParts, crashPerCommit, restartAfter, crashesUntil);
  }

  /** Power losses in the middle of commits, with chance {@code perCommit}, until tick {@code until}. */
  public ShellOptions withCrashes(double perCommit, long restartAfterTicks, long until) {
    return new ShellOptions(parts, perCommit, restartAfterTicks, until);
  }
}
