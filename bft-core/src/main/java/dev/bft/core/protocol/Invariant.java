package dev.bft.core.protocol;

/**
 * The core's own invariants, always checked (not Java {@code assert}, which production runs
 * without). Each holds whatever peers and clients send: Byzantine input is dropped and counted
 * before it can reach one, so a failing check means this replica's own state is corrupt (a bug,
 * or storage that lies) and it must stop rather than send something it cannot stand behind. The
 * runtime's supervisor turns the error into an exit; the simulator fails the run with its seed.
 *
 * <p>Nothing a peer can cause may be checked here: a check that a Byzantine message could trip
 * would let that peer stop a correct replica.
 */
final class Invariant {
  private Invariant() {}

  /** One of the core's invariants failed; the message names the replica, its view and the sequence. */
  static final class Broken extends AssertionError {
    Broken(String message) {
      super(message);
    }
  }

  /** Fails with {@code what} when {@code condition} does not hold; {@code sequence} is -1 when none applies. */
  static void check(boolean condition, int replica, long view, long sequence, String what) {
    if (!condition) {
      throw new Broken(describe(replica, view, sequence, what));
    }
  }

  /**
   * The error for a failed invariant whose message needs details; callers test the condition first
   * ({@code if (!ok) throw Invariant.broken(...)}) so the message is only built when it fails.
   */
  static Broken broken(int replica, long view, long sequence, String what) {
    return new Broken(describe(replica, view, sequence, what));
  }

  private static String describe(int replica, long view, long sequence, String what) {
    return "invariant broken at replica " + replica + ", view " + view
        + (sequence >= 0 ? ", sequence " + sequence : "") + ": " + what;
  }
}
