package dev.bft.core.runtime;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.Message;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Request;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.TimerId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One replica's shell without its sockets and threads: the protocol loop that drives the pure
 * {@link Replica}, between {@link InboundVerification} (decode, vote filter, signatures) and
 * {@link ReplicaEffects} → {@link CommitStage} (persist, then send). Everything it does to the
 * world goes through the {@link Io} it is given, so the same object runs in a replica process
 * ({@link ReplicaNode}: Netty links, threads, LMDB) and in the seeded simulator (a simulated
 * network, lanes drained by the event queue, LMDB in a temporary directory).
 */
public final class ReplicaShell {
  /** The shell's I/O: where frames go, what time it is, how its lanes run, where records persist. */
  public record Io(Transport transport, ShellClock clock, Lane.Factory lanes, DurableRecords storage) {}

  /** What the shell reports to the host that runs it. */
  public interface Host {
    /** A frame dropped by reason (a peer's fault, counted, never thrown). */
    void refused(String reason);

    /** A client's frame failed its checks on the client's own link. */
    void quarantine(int client, String why);

    /** FETCH-STATE and STATE-CHUNK, which the host's state transfer serves off the protocol lane. */
    void stateTransfer(int peer, Message message);

    /** A lane or the storage failed: the replica cannot go on safely and must stop. */
    void failed(String part, Throwable cause);

    /** A client or replica sent a frame of another epoch (it may not know this one yet). */
    default void olderEpoch(int peer) {}

    /** A replica sent an EPOCH-NOTICE (a newer epoch, it says, with the proof). */
    default void epochNotice(int replica, byte[] frame) {}
  }

  private final int self;
  private final int n;
  private final Quorum quorum;
  private final ShellClock clock;
  private final Lane protocolLane;
  private final CommitStage commits;
  private final VoteFilter voteFilter;
  private final InboundVerification verification;
  private final ReplicaEffects effects;
  private final ReplicaMetrics metrics;
  private final Replica replica;
  private volatile boolean stopped;

  /**
   * @param metrics null for a shell of its own (the simulator's); a process passes the one it exports
   * @param replica builds the replica (new or recovered from {@code io.storage()}) over the effects it is given
   */
  public ReplicaShell(int self, Quorum quorum, long checkpointInterval, MessageEncoder encoder, MessageDecoder decoder,
                      Io io, Host host, Checkpoints checkpoints, ShellParts parts, ReplicaMetrics metrics,
                      Function<Effects, Replica> replica) {
    this.self = self;
    this.n = quorum.n();
    this.quorum = quorum;
    this.clock = io.clock();
    this.metrics = metrics != null ? metrics : new ReplicaMetrics(self, Map::of, () -> 0, decoder.tally());
    this.voteFilter = parts.voteFilter(n, checkpointInterval);
    this.protocolLane = io.lanes().create("protocol-" + self, 256, this::handOff, host::failed);
    this.commits = parts.commitStage(self, encoder, io.storage(), io.transport(), io.lanes(), clock,
        e -> host.failed("storage-" + self, e), this.metrics::stage, host::failed);
    this.verification = new InboundVerification(self, quorum, decoder, voteFilter, host::refused, host::quarantine,
        host::olderEpoch, host::epochNotice, (peer, m, readAt) -> verified(peer, m, readAt, host));
    ProtocolTimers timers = new ProtocolTimers(clock, protocolLane, this::timerFired);
    this.effects = new ReplicaEffects(self, n, encoder, commits, io.transport(), clock, io.storage(), voteFilter, timers,
        this.metrics, checkpoints);
    this.replica = replica.apply(effects);
    publishProgress();
  }

  /** Starts the lanes and the replica (its first event runs on the protocol lane). */
  public void start() {
    commits.start();
    protocolLane.start();
    onProtocolLane(replica::start);
  }

  /** Stops taking events: what is queued on the lanes is dropped, as a crash drops it. */
  public void stop(long waitMillis) {
    stopped = true;
    protocolLane.stop(waitMillis);
    commits.stop(waitMillis);
  }

  /** From now on nothing more runs on the protocol lane (the host is stopping after a failure). */
  void halt() {
    stopped = true;
  }

  /** Frames read from authenticated links, verified as one group (on the verification pool, or the simulated network). */
  void verifyAll(List<Inbound> group) {
    verification.verifyAll(group);
  }

  /**
   * The verification queue of a process without its worker threads, for a host that drains it
   * itself (the simulator): the same per-source bounds, turns and groups, then the same checks.
   */
  public Inbox inbox() {
    return new Inbox(InboundVerification.queue(self, quorum, 0, this::verifyAll, (t, e) -> { }));
  }

  /** Frames of authenticated links waiting for verification, drained by the host. */
  public final class Inbox {
    private final FairVerificationQueue<Inbound> queue;

    private Inbox(FairVerificationQueue<Inbound> queue) {
      this.queue = queue;
    }

    /** A frame read from {@code peer}'s link; false (nothing queued) past that peer's bound. */
    public boolean offer(int peer, byte[] frame) {
      return queue.submit(peer, new Inbound(peer, frame, clock.nanos()), false);
    }

    /** Verifies the next group (sources in turn) and hands on what passes; false when nothing waits. */
    public boolean verifyNextGroup() {
      List<Inbound> group = queue.poll();
      if (group.isEmpty()) {
        return false;
      }
      verifyAll(group);
      return true;
    }
  }

  /** Runs an event on the protocol lane; what it decided is handed to the writer after its group. */
  public void onProtocolLane(Runnable event) {
    long queued = clock.nanos();
    protocolLane.execute(() -> {
      metrics.stage(Stage.PROTOCOL_QUEUE, clock.nanos() - queued);
      if (!stopped) {
        event.run();
      }
    });
  }

  /** A replica's link came up or went ({@link Replica#onReach}). */
  public void onReach(int peer, boolean linked) {
    onProtocolLane(() -> replica.onReach(peer, linked));
  }

  public Replica replica() {
    return replica;
  }

  public ReplicaMetrics metrics() {
    return metrics;
  }

  /** Replicas that sent a bad signature and whose frames are therefore verified alone. */
  public Set<Integer> replicasVerifiedAlone() {
    return verification.forgers();
  }

  /** Signs an own message as the durable log stores it; on the writer lane, once per commit. */
  byte[] signed(Message m) {
    return commits.signed(m);
  }

  /**
   * The service keeps its own state durable: from now on each executed batch is stored with its
   * clients' exactly-once entries (before the first event runs).
   */
  public void storeExecutionIn(dev.bft.core.service.DurableState state, long checkpointInterval) {
    effects.storeExecutionIn(new ServiceDurability(state, checkpointInterval, replica::clientTable));
  }

  void playByzantine(dev.bft.core.byzantine.OutboundFilter behaviour) {
    effects.playByzantine(behaviour);
  }

  private void timerFired(TimerId timer) {
    onProtocolLane(() -> replica.onTimer(timer));
  }

  /** On the verification pool: a message that passed its checks, on its way to the protocol lane. */
  private void verified(int peer, Message m, long readAt, Host host) {
    if (m instanceof FetchState || m instanceof StateChunk) {
      host.stateTransfer(peer, m);
      return;
    }
    long now = clock.millis();
    metrics.stage(Stage.VERIFY, clock.nanos() - readAt);
    onProtocolLane(() -> {
      if (m instanceof Request req) {
        effects.arrived(req, clock.nanos());
        replica.onRequest(req, now);
      } else if (m instanceof ReplicaMessage rm && quorum.isReplica(peer)) {
        replica.onMessage(rm, now);
      }
    });
  }

  private void publishProgress() {
    voteFilter.publish(replica.view(), replica.lowWatermark(), replica.highWatermark(), replica.lastExecuted());
    for (int i = 0; i < n; i++) {
      voteFilter.publishViewChange(i, replica.latestViewChangeOf(i));
    }
    metrics.view.set(replica.view());
    metrics.lastExecuted.set(replica.lastExecuted());
    metrics.stableCheckpoint.set(replica.stableCheckpoint());
    metrics.lingerWaits.set(replica.lingerWaits());
    metrics.lingerWaitsUnpaid.set(replica.lingerWaitsUnpaid());
    metrics.dropped(replica.drops());
  }

  /** After a group of events on the protocol lane: publish progress, hand the group's effects to the writer. */
  private void handOff() {
    publishProgress();
    effects.handOff();
  }

  @Override
  public String toString() {
    return "shell of replica " + self;
  }
}
