package dev.bft.core.runtime;

/**
 * Where the shell's signed frames leave: to a replica or a client by id. The shell's only way out,
 * so the parts that decide what leaves and when (the {@link CommitStage} above all) run unchanged
 * over Netty links ({@link LinkTransport}) and over a simulated network. A frame for a peer with
 * no link now, or one whose link is backed up, is lost: PBFT recovers it by retransmission.
 */
public interface Transport {
  /** Queues a frame for a replica; it may leave before {@link #flush()}, never after a crash that precedes it. */
  void toReplica(int replica, byte[] frame);

  /** Queues a frame for a client. */
  void toClient(int client, byte[] frame);

  /** Pushes out everything queued: once per commit, so each link is flushed once however many frames it got. */
  void flush();
}
