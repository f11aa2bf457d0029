package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;

/**
 * Where a replica puts what it decided to do. The shell carries the effects out.
 *
 * <p>Ordering contract: the records {@link #persist persisted} while handling one event must be
 * durable before any message emitted while handling that same event leaves the replica. That is
 * what lets a replica that crashes and restarts never contradict a message it sent: the runtime
 * group-commits one write per event (or per several events) and only then releases the sends.
 */
public interface Effects {
  /** Sends to one replica. Messages are unsigned here; the shell signs them. */
  void send(int replica, ReplicaMessage message);

  /** Sends to every replica but this one. */
  void broadcast(ReplicaMessage message);

  /** Sends a reply to its client. */
  void reply(Reply reply);

  /** The reply to a read-only {@code request}, executed at once against the executed state. */
  default void replyReadOnly(Request request, Reply reply) {
    reply(reply);
  }

  /** Relays a client's request to the primary (a backup that received it directly). */
  void forward(int replica, Request request);

  /** Makes a record durable; see the ordering contract above. */
  void persist(LogRecord record);

  /** Arms (or re-arms) a timer to fire after {@code ticks}. */
  void setTimer(TimerId timer, long ticks);

  void cancelTimer(TimerId timer);

  /** Tells observers that a batch executed at a sequence number (checkers, metrics, storage). */
  void executed(long sequence, Batch batch);

  /**
   * A checkpoint was taken after executing {@code sequence}: the service is in exactly that state
   * now. The shell keeps a snapshot of it (copy-on-write or a read transaction) with this client
   * table, to serve state transfer, until a later checkpoint is stable.
   */
  void checkpointTaken(long sequence, dev.bft.crypto.Digest digest, ClientTable clients);

  /**
   * This replica is behind a stable checkpoint it cannot reach through its log. The shell fetches
   * that state from peers, verifies it against {@code digest} (see {@link StateDigests}), restores
   * the service and reports back with {@link Replica#onStateInstalled}.
   */
  void fetchState(long sequence, dev.bft.crypto.Digest digest);

  /**
   * The replica left view {@code from} for {@code to}. With {@link #viewInstalled} this lets the
   * shell, which has a clock, log one line per view change with its duration.
   */
  default void viewChangeStarted(long from, long to, String reason) {}

  /** The replica is running {@code view}, started by a NEW-VIEW. */
  default void viewInstalled(long view) {}

  /**
   * A reconfiguration executed at {@code sequence}: nothing more executes in this epoch, whose
   * checkpoint at {@code boundary} will prove the next configuration, of digest {@code next}.
   */
  default void epochEnded(long sequence, long boundary, dev.bft.crypto.Digest next) {}

  /** The epoch checkpoint at {@code boundary} is stable: {@code proof} is the epoch proof the next epoch starts from. */
  default void epochProven(long boundary, java.util.List<dev.bft.core.message.Checkpoint> proof) {}
}
