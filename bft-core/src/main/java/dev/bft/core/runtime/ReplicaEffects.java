package dev.bft.core.runtime;

import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.TimerId;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replica's effects, as the protocol thread meets them: what a group of events decided is
 * collected (records to persist, messages to send, replies) and handed to the {@link CommitStage}
 * after the group, which persists before anything leaves. Timers, metrics and state transfer are
 * acted on at once. Confined to the protocol lane. The same in a process and in the simulator: it
 * reaches the world only through the {@link Transport}, the {@link ShellClock} and the
 * {@link DurableRecords} it was given.
 */
final class ReplicaEffects implements Effects {
  /** What a Byzantine replica does to its messages: the shell's hook for attack tests and demos. */
  private volatile dev.bft.core.byzantine.OutboundFilter byzantine;

  private final int self;
  private final int n;
  private final MessageEncoder encoder;
  private final CommitStage commits;
  private final Transport transport;
  private final ShellClock clock;
  private final DurableRecords durable;
  private final VoteFilter voteFilter;
  private final ProtocolTimers timers;
  private final ReplicaMetrics metrics;
  private final BatchStageClock batchStages;
  private final Checkpoints checkpoints;
  private final ViewChangeLogger viewChanges;

  /** Where a service that stores its own state learns what each executed batch must be stored with; null for a service in the heap. */
  private ServiceDurability serviceDurability;

  private List<Runnable> persists = new ArrayList<>();
  private List<Runnable> sends = new ArrayList<>();
  private List<Reply> replies = new ArrayList<>();
  /** Arrival times of requests received directly from clients, for the latency metric (bounded). */
  private final LinkedHashMap<Digest, Long> arrivals = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, Long> eldest) {
      return size() > 100_000;
    }
  };

  ReplicaEffects(int self, int n, MessageEncoder encoder, CommitStage commits, Transport transport, ShellClock clock,
                 DurableRecords durable, VoteFilter voteFilter, ProtocolTimers timers, ReplicaMetrics metrics,
                 Checkpoints checkpoints) {
    this.self = self;
    this.n = n;
    this.encoder = encoder;
    this.commits = commits;
    this.transport = transport;
    this.clock = clock;
    this.durable = durable;
    this.voteFilter = voteFilter;
    this.timers = timers;
    this.metrics = metrics;
    this.checkpoints = checkpoints;
    this.batchStages = new BatchStageClock(clock::nanos, metrics::stage);
    this.viewChanges = new ViewChangeLogger(self, () -> clock.nanos() / 1_000_000, "ms");
  }

  void storeExecutionIn(ServiceDurability durability) {
    this.serviceDurability = durability;
  }

  void playByzantine(dev.bft.core.byzantine.OutboundFilter behaviour) {
    this.byzantine = behaviour;
  }

  /** A request arrived from a client (or a backup's forward) at nanoTime {@code at}. */
  void arrived(Request request, long at) {
    arrivals.putIfAbsent(request.digest(), at);
  }

  /** After a group of events: hand what it decided to the storage writer. */
  void handOff() {
    if (persists.isEmpty() && sends.isEmpty() && replies.isEmpty()) {
      return;
    }
    commits.submit(persists, sends, replies);
    persists = new ArrayList<>();
    sends = new ArrayList<>();
    replies = new ArrayList<>();
  }

  @Override
  public void send(int to, ReplicaMessage message) {
    dev.bft.core.byzantine.OutboundFilter tamper = byzantine;
    if (tamper != null) {
      for (var o : tamper.toReplica(self, to, message, clock.millis())) {
        if (o.to() != self && o.to() >= 0 && o.to() < n) {
          sends.add(() -> {
            byte[] frame = encoder.encode(o.message());
            if (o.delay() > 0) {
              clock.after(o.delay(), () -> {
                transport.toReplica(o.to(), frame);
                transport.flush();
              });
            } else {
              transport.toReplica(o.to(), frame);
            }
          });
        }
      }
      return;
    }
    sends.add(() -> transport.toReplica(to, commits.signed(message)));
  }

  @Override
  public void broadcast(ReplicaMessage message) {
    if (byzantine != null) {
      for (int to = 0; to < n; to++) {
        if (to != self) {
          send(to, message);
        }
      }
      return;
    }
    sends.add(() -> {
      byte[] frame = commits.signed(message);
      for (int to = 0; to < n; to++) {
        if (to != self) {
          transport.toReplica(to, frame);
        }
      }
    });
  }

  @Override
  public void reply(Reply original) {
    dev.bft.core.byzantine.OutboundFilter tamper = byzantine;
    Reply reply = tamper == null ? original : tamper.toClient(self, original, clock.millis());
    if (reply != null) {
      replies.add(reply);
    }
  }

  @Override
  public void replyReadOnly(dev.bft.core.message.Request request, Reply original) {
    dev.bft.core.byzantine.OutboundFilter tamper = byzantine;
    Reply reply = tamper == null ? original : tamper.toClientReadOnly(self, request, original, clock.millis());
    if (reply != null) {
      replies.add(reply);
    }
  }

  @Override
  public void forward(int replica, Request request) {
    // The request keeps its client's signature: the primary verifies it as if the client sent it.
    sends.add(() -> transport.toReplica(replica, encoder.encode(request)));
  }

  @Override
  public void persist(LogRecord record) {
    persists.add(() -> durable.add(record));
    if (record instanceof LogRecord.AcceptedPrePrepare a && a.prePrepare().hasBatch()) {
      batchStarted(a.prePrepare());
    } else if (record instanceof LogRecord.Prepared p) {
      batchStages.prepared(p.certificate().prePrepare().sequence());
    }
    voteFilter.persisted(record);
    if (record instanceof LogRecord.StableCheckpoint sc) {
      checkpoints.stable(sc.sequence());
    }
  }

  /** A pre-prepare logged here: its batch's stage clock starts, and its requests' batching wait ends. */
  private void batchStarted(PrePrepare pp) {
    batchStages.prePrepared(pp);
    long now = clock.nanos();
    for (Request r : pp.batch().requests()) {
      Long arrived = arrivals.get(r.digest());
      if (arrived != null) {
        metrics.stage(Stage.BATCHING, now - arrived);
      }
    }
  }

  @Override
  public void setTimer(TimerId timer, long ticks) {
    timers.set(timer, ticks);
  }

  @Override
  public void cancelTimer(TimerId timer) {
    timers.cancel(timer);
  }

  @Override
  public void executed(long sequence, Batch batch) {
    if (serviceDurability != null) {
      serviceDurability.executed(sequence, batch);
    }
    metrics.executed(batch.size());
    batchStages.executed(sequence);
    long now = clock.nanos();
    for (Request r : batch.requests()) {
      Long arrived = arrivals.remove(r.digest());
      if (arrived != null) {
        metrics.requestLatency(now - arrived);
      }
    }
  }

  @Override
  public void checkpointTaken(long sequence, Digest digest, ClientTable clients) {
    StateSnapshot snapshot = checkpoints.snapshot();
    persists.add(() -> durable.addState(sequence, snapshot, clients));
    checkpoints.hold(sequence, snapshot, clients);
  }

  @Override
  public void fetchState(long sequence, Digest digest) {
    checkpoints.fetch(sequence, digest);
  }

  @Override
  public void epochEnded(long sequence, long boundary, Digest next) {
    checkpoints.epochEnded(sequence, boundary, next);
  }

  @Override
  public void epochProven(long boundary, java.util.List<dev.bft.core.message.Checkpoint> proof) {
    checkpoints.epochProven(boundary, proof);
  }

  @Override
  public void viewChangeStarted(long from, long to, String reason) {
    viewChanges.started(from, to, reason);
  }

  @Override
  public void viewInstalled(long view) {
    viewChanges.installed(view);
  }
}
