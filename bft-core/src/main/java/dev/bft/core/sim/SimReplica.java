package dev.bft.core.sim;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Batch;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.protocol.TimerId;
import dev.bft.core.runtime.ProtocolTimers;
import java.util.ArrayList;
import java.util.List;

/** One replica in the simulation: the real {@link Replica} wired to the simulated network, timers and storage. */
final class SimReplica implements Effects {
  final int id;
  Replica replica;
  dev.bft.core.service.ReplicatedService service;
  boolean up = true;
  final List<LogRecord> persisted = new ArrayList<>();
  /** The raw service (the replica sees it through the checkers); snapshots come from it. */
  dev.bft.core.service.ReplicatedService rawService;
  /** Its checkpoints' snapshots, served to peers, and its own fetches of state. */
  final SimStateTransfer states;
  /** Twins: a second copy of this replica with the same identity; null unless this replica is twinned. */
  private SimTwin twin;

  /**
   * Runs a second copy of this replica (same id, same key) that talks to the replicas outside
   * {@code audience}, while the original talks only to those inside: each half of the cluster sees
   * a consistent replica, but not the same one.
   */
  boolean twinned() {
    return twin != null;
  }

  void makeTwin(java.util.Set<Integer> audience, dev.bft.core.service.ReplicatedService twinService) {
    byzantine = (self, to, message, now) -> audience.contains(to) ? java.util.List.of(new OutboundFilter.Outbound(to, message))
        : java.util.List.of();
    twin = new SimTwin(id, sim, audience, replica.config(), twinService);
  }

  /** The epoch this node runs (which ids its peers have, which clients it admits). */
  SimEpoch epoch;
  /** The epoch rules its core is governed by; null in a run without reconfiguration. */
  dev.bft.core.protocol.Epochs rules;
  /** A node the current configuration left out, stopped for good (it neither restarts nor resumes). */
  boolean retired;
  /** Fetching the state its next epoch starts from: no core runs here until it has it. */
  boolean joining;

  /** A Byzantine replica's rewriting of what it sends; null for a correct replica. */
  OutboundFilter byzantine;
  /** A censoring replica: while it is primary it ignores this client's requests (-1: nobody). */
  int censoredClient = -1;
  private final Simulation sim;
  /** Where its messages go: through its epoch's membership, tagged with the epoch, through its Byzantine filter if any. */
  private final SimLinks links;
  /** The production timers on virtual time; a firing waits on {@link #protocolLane} while the process is paused. */
  private final ProtocolTimers timers;
  /** Firings that came due while the process was paused: its clock ran on, its protocol thread did not. */
  private final List<Runnable> dueWhilePaused = new ArrayList<>();

  SimReplica(int id, Simulation sim, SimEpoch epoch) {
    this.id = id;
    this.sim = sim;
    this.epoch = epoch;
    this.states = new SimStateTransfer(this, sim);
    this.links = new SimLinks(this, sim);
    this.timers = new ProtocolTimers(new SimClock(sim, () -> true), this::protocolLane, this::timerFired);
  }

  /**
   * The lane a firing is posted to. Stale firings need no care here: a crash or a replaced core
   * cancels every timer, and the timers ignore a firing that a cancel or re-arm overtook.
   */
  private void protocolLane(Runnable firing) {
    if (up) {
      firing.run();
    } else {
      dueWhilePaused.add(firing);
    }
  }

  private void timerFired(TimerId timer) {
    sim.trace("t", id, timer);
    replica.onTimer(timer);
    afterEvent();
  }

  private dev.bft.storage.LmdbStore store;
  private dev.bft.core.runtime.DurableLog durable;
  /** Non-null when this replica runs the production shell: its current incarnation. */
  private SimShell shell;
  /** That shell's effects: the core's effects go there after the simulator's bookkeeping. */
  private Effects shellEffects;

  /** From now on this replica runs the production shell over its LMDB environment (opened before). */
  void useShell() {
    ReplicaConfig config = replica.config();
    shell = newShell(effects -> new Replica(config, service, this));
    replica = shell.shell.replica();
  }

  private SimShell newShell(java.util.function.Function<Effects, Replica> build) {
    return new SimShell(sim, this, durable, sim.random().split(), effects -> {
      shellEffects = effects;
      return build.apply(effects);
    });
  }

  void start() {
    if (shell != null) {
      shell.shell.start();
    } else {
      replica.start();
    }
  }

  /** From now on this replica persists to a real LMDB environment and restarts from it. */
  void openDurableLog(java.nio.file.Path dir, SimSigning signing) {
    store = dev.bft.storage.LmdbStore.open(dir, 256L << 20, false, true);
    durable = new dev.bft.core.runtime.DurableLog(store, signing.replicaEncoders[id], signing.decoder, id);
  }

  void closeDurableLog() {
    if (store != null) {
      store.close();
      store = null;
    }
  }

  /** The end of one event: what it persisted becomes durable (its messages are already on their way, later in time). */
  void afterEvent() {
    if (durable != null && shell == null) {
      durable.commit();
    }
  }

  /** Loses everything not persisted: messages in flight to it, its timers, its volatile protocol state. */
  void crash() {
    up = false;
    if (shell != null) {
      shell.kill();
    }
    if (durable != null) {
      durable.discardUncommitted();
    }
    cancelTimers();
    if (joining) {
      sim.epochs().crashedWhileJoining(this);
    }
    sim.trace("crash", id, replica.lastExecuted());
  }

  /**
   * Restarts from durable state. Execution is synchronous with the client table and service state
   * here, as the storage layer commits them in one transaction, so both survive as they were.
   */
  void restart() {
    if (retired) {
      return;
    }
    if (joining) {
      sim.epochs().rejoin(this); // the fetch died with the process: a new one starts
      return;
    }
    states.restarted();
    if (shell != null) {
      restartShell();
      return;
    }
    if (durable != null) {
      // Everything in memory is gone, the service state included: rebuild from LMDB.
      rawService = sim.options().service().get();
      service = sim.checkedService(id, rawService);
      RecoveredState recovered = durable.recover(rawService, new long[1]);
      sim.restartedFrom(id, recovered.clientTable());
      for (SimObserver o : sim.observers()) {
        o.stateInstalled(id, recovered.lastExecuted(), sim.now());
      }
      states.forgetSnapshots();
      replica = Replica.recover(replica.config(), service, this, recovered);
      governed();
      up = true;
      sim.trace("restart-lmdb", id, replica.lastExecuted());
      replica.start();
      afterEvent();
      return;
    }
    RecoveredState durable = new RecoveredState(replica.lastExecuted(), replica.clientTable().copy(), persisted);
    replica = Replica.recover(replica.config(), service, this, durable);
    governed();
    up = true;
    sim.trace("restart", id, replica.lastExecuted());
    replica.start();
  }

  /** A restarted core is governed by its epoch's rules again: they are configuration, not state. */
  void governed() {
    if (rules != null) {
      replica.governedBy(rules);
    }
  }

  /** Ends every timer of the current incarnation (a crash, or the core replaced by the next epoch's). */
  void cancelTimers() {
    timers.cancelAll();
    dueWhilePaused.clear();
  }

  /** Back from a pause, unless it was stopped for good meanwhile. */
  void resume() {
    up = !retired && !joining;
    if (up) {
      // each as an event of its own at this instant, in the order they came due
      for (Runnable firing : dueWhilePaused) {
        sim.queue().at(sim.now(), () -> protocolLane(firing));
      }
      dueWhilePaused.clear();
    }
  }

  /** A new process over the same LMDB environment: a new shell, the replica recovered from what was durable. */
  private void restartShell() {
    if (up) {
      return; // restarted already (a scheduled crash and a power loss overlapped)
    }
    rawService = sim.options().service().get();
    service = sim.checkedService(id, rawService);
    long[] view = new long[1];
    RecoveredState recovered = durable.recover(rawService, view);
    sim.restartedFrom(id, recovered.clientTable());
    sim.recovered(id, recovered, view[0]);
    for (SimObserver o : sim.observers()) {
      o.stateInstalled(id, recovered.lastExecuted(), sim.now());
    }
    states.forgetSnapshots();
    ReplicaConfig config = replica.config();
    shell = newShell(effects -> Replica.recover(config, service, this, recovered));
    replica = shell.shell.replica();
    up = true;
    sim.trace("restart-shell", id, replica.lastExecuted());
    shell.shell.start();
  }

  /** A frame from {@code from}'s link (a shell's own output): verified by this replica's shell. */
  void receiveFrame(int from, byte[] frame) {
    if (up && shell != null && (from < sim.replicaCount() || shell.admits(from))) {
      sim.trace("f", id, from + ":" + java.util.Arrays.hashCode(frame));
      shell.receive(from, frame);
    }
  }

  /** Frames refused here because their client was quarantined (current incarnation; 0 without the shell). */
  long refusedWhileQuarantined() {
    return shell == null ? 0 : shell.refusedWhileQuarantined;
  }

  /**
   * A message a Byzantine replica sent on its own link. To a replica running the shell it arrives
   * as a frame: its own messages signed with its key, others' only as they were signed (it cannot
   * forge a signature, and the shell refuses another's message on its link).
   */
  void receiveFrom(int link, long tag, ReplicaMessage m) {
    if (shell == null) {
      receive(tag, m);
      return;
    }
    if (up) {
      byte[] frame = m.wire() != null || m.sender() == link ? sim.signing().frame(m) : null;
      if (frame != null) {
        sim.trace("b", id, m);
        shell.receive(link, frame);
      }
    }
  }

  /** A message sent in epoch {@code tag}: the shell lets only its own epoch's reach the core. */
  void receive(long tag, ReplicaMessage m) {
    if (sim.epochs() == null || sim.epochs().admit(this, tag, m)) {
      receive(m);
    }
  }

  /** A request sent in epoch {@code tag}: refused unless of this epoch and from a client it enrolls. */
  void receive(long tag, Request r) {
    if (byzantine instanceof RequestTap tap) {
      tap.heard(r);
    }
    if (sim.epochs() == null || sim.epochs().admit(this, tag, r)) {
      receive(r);
    }
  }

  void receive(ReplicaMessage m) {
    if (twin != null && twin.hears(m.sender())) {
      twin.replica.onMessage(m, sim.now());
      return;
    }
    if (up && shell != null) {
      sim.trace("r", id, m);
      shell.receive(m.sender(), sim.signing().frame(m));
    } else if (up) {
      sim.trace("r", id, m);
      replica.onMessage(m, sim.now());
      afterEvent();
    }
  }

  void receive(Request r) {
    if (twin != null) {
      twin.replica.onRequest(r, sim.now());
    }
    if (up && shell != null && !(r.clientId() == censoredClient && replica.isPrimary())) {
      byte[] frame = sim.signing().frame(r);
      if (frame != null && shell.admits(r.clientId())) {
        sim.trace("q", id, r);
        shell.receive(r.clientId(), frame);
      }
    } else if (up && !(r.clientId() == censoredClient && replica.isPrimary())) {
      sim.trace("q", id, r);
      replica.onRequest(r, sim.now());
      afterEvent();
    }
  }

  @Override
  public void send(int to, ReplicaMessage original) {
    if (shellEffects != null && byzantine == null) {
      shellEffects.send(to, original);
    } else {
      links.send(to, original);
    }
  }

  @Override
  public void broadcast(ReplicaMessage original) {
    if (shellEffects != null && byzantine == null) {
      shellEffects.broadcast(original);
    } else {
      links.broadcast(original);
    }
  }

  @Override
  public void reply(Reply original) {
    if (shellEffects != null && byzantine == null) {
      shellEffects.reply(original);
    } else {
      links.reply(original);
    }
  }

  @Override
  public void replyReadOnly(Request request, Reply original) {
    if (byzantine == null) {
      reply(original);
    } else {
      links.replyReadOnly(request, original);
    }
  }

  @Override
  public void forward(int to, Request request) {
    if (shellEffects != null) {
      shellEffects.forward(to, request);
    } else {
      links.forward(to, request);
    }
  }

  @Override
  public void persist(LogRecord record) {
    for (SimObserver o : sim.observers()) {
      o.persisted(id, record, sim.now());
    }
    if (shellEffects != null) {
      if (record instanceof LogRecord.StableCheckpoint sc) {
        states.stable(sc.sequence());
      }
      shellEffects.persist(record);
      return;
    }
    if (durable != null) {
      durable.add(record);
    }
    if (record instanceof LogRecord.StableCheckpoint sc) {
      persisted.removeIf(r -> sequenceOf(r) <= sc.sequence());
      states.stable(sc.sequence());
    } else if (record instanceof LogRecord.EnteredView) {
      persisted.removeIf(r -> r instanceof LogRecord.EnteredView);
    }
    persisted.add(record);
  }

  private static long sequenceOf(LogRecord r) {
    if (r instanceof LogRecord.AcceptedPrePrepare a) {
      return a.prePrepare().sequence();
    } else if (r instanceof LogRecord.SentPrepare p) {
      return p.prepare().sequence();
    } else if (r instanceof LogRecord.SentCommit c) {
      return c.commit().sequence();
    } else if (r instanceof LogRecord.Prepared p) {
      return p.certificate().prePrepare().sequence();
    }
    return Long.MAX_VALUE;
  }

  @Override
  public void setTimer(TimerId timer, long ticks) {
    if (shellEffects != null) {
      shellEffects.setTimer(timer, ticks);
      return;
    }
    timers.set(timer, ticks);
  }

  @Override
  public void cancelTimer(TimerId timer) {
    if (shellEffects != null) {
      shellEffects.cancelTimer(timer);
      return;
    }
    timers.cancel(timer);
  }

  @Override
  public void executed(long sequence, Batch batch) {
    sim.onExecuted(id, sequence, batch);
    if (shellEffects != null) {
      shellEffects.executed(sequence, batch);
    }
  }

  private dev.bft.core.runtime.ViewChangeLogger viewChanges;

  @Override
  public void viewChangeStarted(long from, long to, String reason) {
    if (viewChanges == null) {
      viewChanges = new dev.bft.core.runtime.ViewChangeLogger(id, sim::now, "ticks");
    }
    viewChanges.started(from, to, reason);
  }

  @Override
  public void viewInstalled(long view) {
    if (viewChanges != null) {
      viewChanges.installed(view);
    }
  }

  @Override
  public void checkpointTaken(long sequence, dev.bft.crypto.Digest digest, ClientTable clients) {
    for (SimObserver o : sim.observers()) {
      o.checkpointTaken(id, sequence, sim.now());
    }
    if (shellEffects != null) {
      shellEffects.checkpointTaken(sequence, digest, clients); // snapshot held and persisted through the shell
      return;
    }
    StateSnapshot snapshot = rawService.snapshot();
    states.hold(sequence, snapshot, clients);
    if (rules != null) {
      // The epoch checkpoint's digest is this one bound to the next configuration: a joining node
      // is told this one by a server and checks the binding against its epoch's start.
      states.ordinary.put(sequence, dev.bft.core.protocol.StateDigests.checkpoint(rawService.stateDigest(), clients));
    }
    if (durable != null) {
      durable.addState(sequence, snapshot, clients);
    }
  }

  @Override
  public void epochEnded(long sequence, long boundary, Digest next) {
    if (sim.epochs() != null) {
      sim.epochs().ended(this, sequence, boundary, next);
    }
  }

  @Override
  public void epochProven(long boundary, List<dev.bft.core.message.Checkpoint> proof) {
    if (sim.epochs() != null) {
      sim.epochs().proven(this, boundary, proof);
    }
  }

  @Override
  public void fetchState(long sequence, dev.bft.crypto.Digest digest) {
    if (shellEffects != null) {
      shellEffects.fetchState(sequence, digest);
    } else if (sim.epochs() == null || !sim.epochs().fetchesEpochStart(this, sequence)) {
      states.fetchFromPeers(sequence, digest);
    }
  }

  /** State transfer installed checkpoint {@code sequence}: the replica learns it on its protocol lane. */
  void installed(long sequence, ClientTable clients) {
    sim.trace("installed", id, sequence);
    for (SimObserver o : sim.observers()) {
      o.stateInstalled(id, sequence, sim.now());
    }
    if (shell != null) {
      shell.shell.onProtocolLane(() -> replica.onStateInstalled(sequence, clients));
      return;
    }
    replica.onStateInstalled(sequence, clients);
    afterEvent();
  }
}
