package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.Status;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PBFT replica: the normal case (PROTOCOL.md §Normal case), checkpoints and log truncation,
 * and retransmission on STATUS. It owns all of its mutable state; events come in one at a time
 * and have already been authenticated by the shell (signatures, sender identity, sizes).
 */
public final class Replica {
  private final ReplicaConfig config;
  private final Quorum quorum;
  private final int me;
  private final Effects effects;
  private final ReplicatedService service;
  private final DropCounters drops = new DropCounters();

  private final MessageLog log;
  private final CheckpointTracker checkpoints;
  private final ClientTable clients;
  private long view;
  private long lastExecuted;

  // Primary only: requests waiting for a batch (one per client), and what was already ordered.
  private final LinkedHashMap<Integer, Request> pending = new LinkedHashMap<>();
  private final Map<Integer, Long> orderedUpTo = new HashMap<>();
  private long lastAssigned;
  private long latestTimestamp;
  private boolean batchTimerArmed;
  private boolean batchTimerExpired;

  // Backups: client requests known but not executed yet (the view-change timer watches them).
  private final Map<Integer, Request> waiting = new HashMap<>();
  private boolean viewChangeTimerArmed;

  // Retransmission: stuck-detection and a per-peer limit of one answer per STATUS period.
  private long statusPeriods;
  private long executedAtLastStatus = -1;
  private final long[] answeredStatusInPeriod;

  public Replica(ReplicaConfig config, ReplicatedService service, Effects effects) {
    this.config = config;
    this.quorum = config.quorum();
    this.me = config.replicaId();
    this.effects = effects;
    this.service = service;
    this.clients = new ClientTable();
    this.log = new MessageLog(quorum, config.logWindow(), 0);
    this.checkpoints = new CheckpointTracker(quorum, 0, List.of());
    this.answeredStatusInPeriod = new long[quorum.n()];
    java.util.Arrays.fill(answeredStatusInPeriod, -1);
  }

  /** Arms the periodic timers; call once before the first event. */
  public void start() {
    effects.setTimer(TimerId.STATUS, statusPeriodTicks());
  }

  // ---------------------------------------------------------------- inputs

  /** A client's request, received directly or forwarded, at the shell's time {@code now}. */
  public void onRequest(Request request, long now) {
    if (request.readOnly()) {
      executeReadOnly(request);
      return;
    }
    switch (clients.classify(request.clientId(), request.requestNumber())) {
      case STALE -> drops.count(DropReason.STALE_REQUEST);
      case LAST_EXECUTED -> effects.reply(clients.get(request.clientId()).reply());
      case NEW -> {
        if (isPrimary()) {
          enqueue(request, now);
        } else {
          effects.forward(quorum.primary(view), request);
          watch(request);
        }
      }
    }
  }

  public void onMessage(ReplicaMessage message) {
    if (!quorum.isReplica(message.sender()) || message.sender() == me) {
      drops.count(DropReason.UNKNOWN_SENDER);
      return;
    }
    if (message instanceof PrePrepare pp) {
      onPrePrepare(pp);
    } else if (message instanceof Prepare p) {
      onPrepare(p);
    } else if (message instanceof Commit c) {
      onCommit(c);
    } else if (message instanceof Checkpoint c) {
      onCheckpoint(c);
    } else if (message instanceof Status s) {
      onStatus(s);
    } else {
      // VIEW-CHANGE and NEW-VIEW belong to the view-change protocol; a REPLY is never for a replica.
      drops.count(message instanceof Reply ? DropReason.NOT_A_CLIENT_REQUEST : DropReason.WRONG_VIEW);
    }
  }

  public void onTimer(TimerId timer) {
    switch (timer) {
      case BATCH -> {
        batchTimerArmed = false;
        batchTimerExpired = true;
        cutBatches();
      }
      case VIEW_CHANGE -> {
        // Replacing the primary is the view-change protocol's job; until it runs, keep watching.
        viewChangeTimerArmed = false;
        if (!waiting.isEmpty()) {
          armViewChangeTimer();
        }
      }
      case STATUS -> onStatusPeriod();
    }
  }

  // ---------------------------------------------------------------- primary: batching

  private void enqueue(Request request, long now) {
    Long ordered = orderedUpTo.get(request.clientId());
    if (ordered != null && request.requestNumber() <= ordered) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    Request queued = pending.get(request.clientId());
    if (queued != null && queued.requestNumber() >= request.requestNumber()) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    pending.put(request.clientId(), request);
    latestTimestamp = Math.max(latestTimestamp, now);
    cutBatches();
  }

  /** A batch closes when it is full, when the pipeline has drained, or when its delay expired. */
  private void cutBatches() {
    if (!isPrimary()) {
      return;
    }
    while (!pending.isEmpty()) {
      long next = lastAssigned + 1;
      long inFlight = lastAssigned - lastExecuted;
      if (!log.inWindow(next) || inFlight >= config.pipelineDepth()) {
        return;
      }
      boolean full = pending.size() >= config.maxBatchSize();
      if (!full && inFlight > 0 && !batchTimerExpired && config.batchDelayTicks() > 0) {
        if (!batchTimerArmed) {
          batchTimerArmed = true;
          effects.setTimer(TimerId.BATCH, config.batchDelayTicks());
        }
        return;
      }
      issuePrePrepare(next);
      batchTimerExpired = false;
    }
    if (batchTimerArmed) {
      batchTimerArmed = false;
      effects.cancelTimer(TimerId.BATCH);
    }
  }

  private void issuePrePrepare(long sequence) {
    List<Request> requests = new ArrayList<>(Math.min(pending.size(), config.maxBatchSize()));
    Iterator<Request> it = pending.values().iterator();
    while (it.hasNext() && requests.size() < config.maxBatchSize()) {
      Request r = it.next();
      it.remove();
      requests.add(r);
      orderedUpTo.merge(r.clientId(), r.requestNumber(), Math::max);
    }
    PrePrepare pp = new PrePrepare(view, sequence, Batch.of(requests, latestTimestamp), me, null);
    SequenceSlot slot = log.slot(sequence);
    slot.accept(pp);
    lastAssigned = sequence;
    effects.persist(new LogRecord.AcceptedPrePrepare(pp));
    effects.broadcast(pp);
  }

  // ---------------------------------------------------------------- normal case

  private void onPrePrepare(PrePrepare pp) {
    if (pp.sender() != quorum.primary(pp.view())) {
      drops.count(DropReason.NOT_FROM_PRIMARY);
      return;
    }
    if (pp.view() != view) {
      drops.count(DropReason.WRONG_VIEW);
      return;
    }
    if (!log.inWindow(pp.sequence())) {
      drops.count(DropReason.OUTSIDE_WINDOW);
      return;
    }
    SequenceSlot slot = log.slot(pp.sequence());
    PrePrepare accepted = slot.prePrepare();
    if (accepted != null) {
      drops.count(accepted.digest().equals(pp.digest()) ? DropReason.DUPLICATE : DropReason.CONFLICTING_PRE_PREPARE);
      return;
    }
    if (pp.sequence() <= lastExecuted) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    slot.accept(pp);
    effects.persist(new LogRecord.AcceptedPrePrepare(pp));
    Prepare prepare = new Prepare(view, pp.sequence(), pp.digest(), me, null);
    slot.add(prepare);
    effects.persist(new LogRecord.SentPrepare(prepare));
    effects.broadcast(prepare);
    advance(slot);
  }

  private void onPrepare(Prepare p) {
    if (p.sender() == quorum.primary(p.view())) {
      drops.count(DropReason.FROM_PRIMARY);
      return;
    }
    SequenceSlot slot = slotFor(p.view(), p.sequence());
    if (slot == null) {
      return;
    }
    if (!slot.add(p)) {
      drops.count(p.equals(slot.prepareFrom(p.sender())) ? DropReason.DUPLICATE : DropReason.EQUIVOCATION);
      return;
    }
    advance(slot);
  }

  private void onCommit(Commit c) {
    SequenceSlot slot = slotFor(c.view(), c.sequence());
    if (slot == null) {
      return;
    }
    if (!slot.add(c)) {
      drops.count(c.equals(slot.commitFrom(c.sender())) ? DropReason.DUPLICATE : DropReason.EQUIVOCATION);
      return;
    }
    advance(slot);
  }

  private SequenceSlot slotFor(long msgView, long sequence) {
    if (msgView != view) {
      drops.count(DropReason.WRONG_VIEW);
      return null;
    }
    if (!log.inWindow(sequence)) {
      drops.count(DropReason.OUTSIDE_WINDOW);
      return null;
    }
    return log.slot(sequence);
  }

  /** Moves a slot along: prepared → send COMMIT; committed-local → execute what is ready. */
  private void advance(SequenceSlot slot) {
    if (slot.checkPrepared() && slot.commitFrom(me) == null) {
      PrePrepare pp = slot.prePrepare();
      Commit commit = new Commit(pp.view(), slot.sequence, pp.digest(), me, null);
      slot.add(commit);
      effects.persist(new LogRecord.SentCommit(commit));
      effects.broadcast(commit);
    }
    if (slot.checkCommitted() && slot.sequence == lastExecuted + 1) {
      executeReady();
    }
  }

  // ---------------------------------------------------------------- execution

  private void executeReady() {
    SequenceSlot next;
    while ((next = log.existing(lastExecuted + 1)) != null && next.isCommitted()) {
      execute(next.sequence, next.prePrepare().batch());
    }
    cutBatches();
  }

  private void execute(long sequence, Batch batch) {
    for (Request r : batch.requests()) {
      if (clients.classify(r.clientId(), r.requestNumber()) != ClientTable.Verdict.NEW) {
        continue; // ordered twice (a faulty primary, or a retry): exactly once means skip it
      }
      byte[] result = service.execute(r.operation(),
          new ExecutionContext(r.clientId(), r.requestNumber(), sequence, batch.timestamp()));
      Reply reply = new Reply(view, r.clientId(), r.requestNumber(), result, me, null);
      clients.record(r.clientId(), r.requestNumber(), reply);
      effects.reply(reply);
      Request watched = waiting.get(r.clientId());
      if (watched != null && watched.requestNumber() <= r.requestNumber()) {
        waiting.remove(r.clientId());
      }
    }
    lastExecuted = sequence;
    effects.executed(sequence, batch);
    if (viewChangeTimerArmed) {
      // Progress: restart the suspicion clock for whatever is still waiting.
      viewChangeTimerArmed = false;
      effects.cancelTimer(TimerId.VIEW_CHANGE);
      if (!waiting.isEmpty()) {
        armViewChangeTimer();
      }
    }
    if (sequence % config.checkpointInterval() == 0) {
      takeCheckpoint(sequence);
    }
  }

  private void executeReadOnly(Request request) {
    byte[] result = service.executeReadOnly(request.operation());
    effects.reply(new Reply(view, request.clientId(), request.requestNumber(), result, me, null));
  }

  private void watch(Request request) {
    Request known = waiting.get(request.clientId());
    if (known == null || known.requestNumber() < request.requestNumber()) {
      waiting.put(request.clientId(), request);
    }
    if (!viewChangeTimerArmed) {
      armViewChangeTimer();
    }
  }

  private void armViewChangeTimer() {
    viewChangeTimerArmed = true;
    effects.setTimer(TimerId.VIEW_CHANGE, config.viewChangeTimeoutTicks());
  }

  // ---------------------------------------------------------------- checkpoints

  private void takeCheckpoint(long sequence) {
    Digest digest = StateDigests.checkpoint(service.stateDigest(), clients);
    Checkpoint own = new Checkpoint(sequence, digest, me, null);
    checkpoints.add(own);
    effects.broadcast(own);
    tryStabilize(sequence);
  }

  private void onCheckpoint(Checkpoint c) {
    if (c.sequence() % config.checkpointInterval() != 0) {
      drops.count(DropReason.BAD_CHECKPOINT_PROOF);
      return;
    }
    if (!log.inWindow(c.sequence())) {
      drops.count(DropReason.OUTSIDE_WINDOW);
      return;
    }
    if (!checkpoints.add(c)) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    tryStabilize(c.sequence());
  }

  /**
   * A checkpoint is stable once 2f + 1 replicas, this one included, agree on its digest. A replica
   * that has not reached it yet waits for the log (or, later, for state transfer) to get there.
   */
  private void tryStabilize(long sequence) {
    Checkpoint own = checkpoints.voteOf(me, sequence);
    if (own == null || sequence <= checkpoints.stableSequence()) {
      return;
    }
    List<Checkpoint> proof = checkpoints.proofFor(sequence, own.stateDigest());
    if (proof == null) {
      return;
    }
    checkpoints.makeStable(sequence, proof, own);
    log.advanceLowWatermark(sequence);
    effects.persist(new LogRecord.StableCheckpoint(sequence, proof));
    cutBatches();
  }

  // ---------------------------------------------------------------- retransmission

  private long statusPeriodTicks() {
    return Math.max(1, config.viewChangeTimeoutTicks() / 4);
  }

  private void onStatusPeriod() {
    statusPeriods++;
    boolean ownCheckpointUnstable = lastExecuted - checkpoints.stableSequence() >= config.checkpointInterval();
    boolean stuck = lastExecuted == executedAtLastStatus
        && (log.highestSequence() > lastExecuted || !waiting.isEmpty() || ownCheckpointUnstable);
    executedAtLastStatus = lastExecuted;
    if (stuck) {
      effects.broadcast(new Status(view, lastExecuted, me, null));
    }
    effects.setTimer(TimerId.STATUS, statusPeriodTicks());
  }

  /** Re-sends this replica's own messages above the peer's execution point, once per period per peer. */
  private void onStatus(Status s) {
    if (s.view() != view || answeredStatusInPeriod[s.sender()] == statusPeriods) {
      drops.count(s.view() != view ? DropReason.WRONG_VIEW : DropReason.DUPLICATE);
      return;
    }
    answeredStatusInPeriod[s.sender()] = statusPeriods;
    int peer = s.sender();
    for (SequenceSlot slot : log.above(s.lastExecuted())) {
      PrePrepare pp = slot.prePrepare();
      if (pp != null && pp.sender() == me) {
        effects.send(peer, pp);
      }
      Prepare p = slot.prepareFrom(me);
      if (p != null) {
        effects.send(peer, p);
      }
      Commit c = slot.commitFrom(me);
      if (c != null) {
        effects.send(peer, c);
      }
    }
    if (checkpoints.ownStable() != null) {
      effects.send(peer, checkpoints.ownStable());
    }
    for (Checkpoint own : checkpoints.ownPending(me)) {
      effects.send(peer, own);
    }
  }

  // ---------------------------------------------------------------- queries

  public boolean isPrimary() {
    return quorum.primary(view) == me;
  }

  public int id() {
    return me;
  }

  public long view() {
    return view;
  }

  public long lastExecuted() {
    return lastExecuted;
  }

  public long lowWatermark() {
    return log.low();
  }

  public long highWatermark() {
    return log.high();
  }

  public long stableCheckpoint() {
    return checkpoints.stableSequence();
  }

  public int logSize() {
    return log.size();
  }

  public int pendingRequests() {
    return pending.size();
  }

  public DropCounters drops() {
    return drops;
  }

  public ClientTable clientTable() {
    return clients;
  }

  public ReplicaConfig config() {
    return config;
  }
}
