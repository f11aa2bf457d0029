package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.Request;
import dev.bft.core.sim.AppendOnlyService;
import dev.bft.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hand-built events for one replica of a 4-replica cluster (f = 1). */
final class ReplicaFixture {
  static final Quorum Q = new Quorum(4, 1);

  final RecordingEffects effects = new RecordingEffects();
  final AppendOnlyService service = new AppendOnlyService();
  final Replica replica;

  ReplicaFixture(int id) {
    this(new ReplicaConfig(Q, id, 4, 5, 2, 4, 8, 100).withReplicaId(id));
  }

  ReplicaFixture(ReplicaConfig config) {
    replica = new Replica(config, service, effects);
  }

  static Request request(int client, long t) {
    return Request.unsigned(client, t, false, ("op " + client + "/" + t).getBytes(StandardCharsets.UTF_8));
  }

  static Batch batch(Request... requests) {
    return Batch.of(List.of(requests), 7);
  }

  static PrePrepare prePrepare(long view, long seq, Batch batch) {
    return new PrePrepare(view, seq, batch, Q.primary(view), null);
  }

  static Prepare prepare(long view, long seq, Digest d, int from) {
    return new Prepare(view, seq, d, from, null);
  }

  static Commit commit(long view, long seq, Digest d, int from) {
    return new Commit(view, seq, d, from, null);
  }

  static Checkpoint checkpoint(long seq, Digest d, int from) {
    return new Checkpoint(seq, d, from, null);
  }

  /** Drives sequence {@code seq} in view 0 to committed-local at this (backup) replica. */
  void commitAt(long seq, Batch batch) {
    commitAt(seq, batch, 0);
  }

  /** As above, with the shell's clock at {@code now}. */
  void commitAt(long seq, Batch batch, long now) {
    replica.onMessage(prePrepare(0, seq, batch), now);
    for (int i = 1; i < 4; i++) {
      if (i != replica.id()) {
        replica.onMessage(prepare(0, seq, batch.digest(), i));
      }
    }
    for (int i = 0; i < 4; i++) {
      if (i != replica.id()) {
        replica.onMessage(commit(0, seq, batch.digest(), i));
      }
    }
  }
}
