package dev.bft.core.runtime;

import java.util.Locale;

/**
 * The spans a request and its batch pass through inside a replica, each timed (metric
 * {@code bft_stage_seconds{stage=...}}) so that a benchmark can say where the latency of a closed
 * loop goes. The request's own path is VERIFY, PROTOCOL_QUEUE, BATCHING, PREPARE, COMMIT; the
 * storage writer's stages run once per commit and carry every message the replica sends.
 */
enum Stage {
  /** A frame from its read on the I/O thread through the verification pool's queue and check, to its hand-off to the protocol thread. */
  VERIFY,
  /** An event's wait in the protocol thread's queue. */
  PROTOCOL_QUEUE,
  /** A request from its arrival on the protocol thread to the pre-prepare that carries it (the primary's batching wait). */
  BATCHING,
  /** A batch from its pre-prepare to prepared at this replica: own log write and send, the others' prepares back. */
  PREPARE,
  /** A batch from prepared to executed at this replica: own commit written and sent, the quorum's commits back. */
  COMMIT,
  /** A group of effects from the protocol thread's hand-off to the storage writer taking it up. */
  WRITER_QUEUE,
  /** Adding a group's records to the durable log, signing what it stores. */
  PERSIST,
  /** The LMDB transaction commit of everything queued meanwhile; with durability sync it includes the fsync. */
  STORAGE_COMMIT,
  /** After a commit: replies signed under one Merkle root, frames written, each link flushed once. */
  SEND;

  /** Where stage times go: the replica's metrics, or a test's list. */
  interface Sink {
    void record(Stage stage, long nanos);
  }

  /** Its label in the metric. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
