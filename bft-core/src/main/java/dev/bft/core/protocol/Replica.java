package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.Status;
import dev.bft.core.message.NewView;
import dev.bft.core.message.ViewChange;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One PBFT replica: the normal case (docs/protocol.md, Normal case), checkpoints and log truncation,
 * and retransmission on STATUS. It owns all of its mutable state; events come in one at a time
 * and have already been authenticated by the shell (signatures, sender identity, sizes).
 */
public final class Replica {
  private final ReplicaConfig config;
  private final Quorum quorum;
  private final LinkReach reach;
  private final int me;
  private final Effects effects;
  private final ReplicatedService service;
  private final DropCounters drops = new DropCounters();

  private final MessageLog log;
  private final CheckpointTracker checkpoints;
  private ClientTable clients;
  private final ViewChanger viewChanger;
  private final CheckpointVotesAhead votesAhead;
  private final BatchFetcher batches;
  private long fetchingSequence = -1;
  private List<Checkpoint> fetchingProof = List.of();
  private Digest fetchingDigest;
  private final NavigableMap<Long, PreparedCertificate> preparedCertificates = new TreeMap<>();
  private long view;
  private boolean viewChanging;
  private long lastExecuted;

  // Primary only: requests waiting for a batch, and the last sequence number assigned.
  private final RequestQueue pending = new RequestQueue();
  private long lastAssigned;
  /** The highest sequence this backup accepted a PRE-PREPARE for (an idle watch in drain mode asks whether it executed). */
  private long highestPrePrepared;
  private boolean batchTimerArmed;
  private boolean batchTimerExpired;
  private final BatchLinger linger;
  private final BatchTimestamps timestamps;
  /** The shell's clock at the latest event that carried it: the primary's time for its next batch. */
  private long clockNow;
  /** The highest sequence a NEW-VIEW of this view re-proposed: below it, a new primary may still be fetching batches. */
  private long reproposedUpTo;

  // Backups: client requests known but not executed yet (the view-change timer watches them), in
  // the order their clients first waited: a new primary orders them so, the oldest first, and every
  // replica fed the same events emits the same batches whatever the keys hash to.
  private final Map<Integer, Request> waiting = new LinkedHashMap<>();
  /** Which requests end the epoch, and where this one ends once one executed (docs/reconfiguration.md). */
  private Epochs epochs = Epochs.NONE;
  private EpochEnd epochEnd;
  /** As primary in this view, the sequence of a batch of its own that holds a reconfiguration, or -1. */
  private long orderedEpochEnd = -1;
  private boolean viewChangeTimerArmed;
  private final PrimaryIdleMonitor idleWatch = new PrimaryIdleMonitor();
  /** Sequence numbers executed since this view began: the idle watch waits for a warmed-up view. */
  private long executedInView;
  /** Idle rounds run since this view began (time during which requests waited here for the primary). */
  private long idleRoundsInView;
  /** Per client, the highest request relayed to the primary this STATUS period (bounded by the clients). */
  private final Map<Integer, Long> forwardedThisPeriod = new LinkedHashMap<>();

  private final Retransmission retransmission;

  /** The highest sequence this replica sent a COMMIT for: a read-only answer waits until it has executed that far. */
  private long highestCommitSent;
  /**
   * Read-only requests waiting for that execution, one per client (its latest; a correct client has
   * one outstanding), so bounded by the clients, with the sequence each waits for.
   */
  private final Map<Integer, DeferredRead> deferredReads = new LinkedHashMap<>();

  private record DeferredRead(Request request, long executeThrough) {}

  public Replica(ReplicaConfig config, ReplicatedService service, Effects effects) {
    this(config, service, effects, new ClientTable(), 0, List.of());
  }

  private Replica(ReplicaConfig config, ReplicatedService service, Effects effects, ClientTable clients,
                  long stableSequence, List<Checkpoint> stableProof) {
    this.config = config;
    this.linger = new BatchLinger(config.batchLingerTicks());
    this.timestamps = new BatchTimestamps(config.replicaId(), config.timestampSkewTicks());
    this.quorum = config.quorum();
    this.me = config.replicaId();
    this.effects = effects;
    this.service = service;
    this.clients = clients;
    this.log = new MessageLog(quorum, config.logWindow(), stableSequence);
    this.checkpoints = new CheckpointTracker(quorum, stableSequence, stableProof);
    this.retransmission = new Retransmission(config, effects);
    this.viewChanger = new ViewChanger(this, config, effects, drops);
    this.votesAhead = new CheckpointVotesAhead(quorum, config.logWindow() / config.checkpointInterval() + 1);
    this.batches = new BatchFetcher(me, quorum, effects, drops, stableSequence);
    this.reach = new LinkReach(quorum, me);
  }

  /**
   * Rebuilds a replica after a crash from what it persisted. It keeps every promise it made: the
   * PRE-PREPAREs it accepted or issued, its PREPAREs and COMMITs, its view. A primary never reuses a
   * sequence number it had assigned. Missing messages come back through STATUS retransmission.
   */
  public static Replica recover(ReplicaConfig config, ReplicatedService service, Effects effects,
                                RecoveredState state) {
    long stable = 0;
    List<Checkpoint> proof = List.of();
    LogRecord.EnteredView entered = new LogRecord.EnteredView(0, false);
    for (LogRecord r : state.log()) {
      if (r instanceof LogRecord.StableCheckpoint sc && sc.sequence() > stable) {
        stable = sc.sequence();
        proof = sc.proof();
      } else if (r instanceof LogRecord.EnteredView ev && ev.view() >= entered.view()) {
        entered = ev;
      }
    }
    Replica replica = new Replica(config, service, effects, state.clientTable(), stable, proof);
    replica.view = entered.view();
    replica.viewChanging = entered.changing();
    replica.lastExecuted = state.lastExecuted();
    replica.lastAssigned = state.lastExecuted();
    for (LogRecord r : state.log()) {
      replica.replay(r);
    }
    replica.wantMissingBatches();
    if (replica.viewChanging) {
      replica.viewChanger.resumeAfterRestart();
    }
    replica.checkWindow();
    return replica;
  }

  private void replay(LogRecord r) {
    if (r instanceof LogRecord.AcceptedPrePrepare a) {
      batches.accepted(a.prePrepare());
    }
    if (r instanceof LogRecord.AcceptedPrePrepare a && a.prePrepare().view() == view
        && log.inWindow(a.prePrepare().sequence())) {
      SequenceSlot slot = log.slot(a.prePrepare().sequence());
      if (slot.prePrepare() == null || !slot.prePrepare().hasBatch()) {
        accept(slot, a.prePrepare()); // a record of the batch fetched later supersedes the one by digest
      }
      if (a.prePrepare().sender() == me) {
        lastAssigned = Math.max(lastAssigned, a.prePrepare().sequence());
      }
    } else if (r instanceof LogRecord.SentPrepare p && p.prepare().view() == view
        && log.inWindow(p.prepare().sequence())) {
      log.slot(p.prepare().sequence()).add(p.prepare());
    } else if (r instanceof LogRecord.Prepared p) {
      PreparedCertificate cert = PreparedCertificate.validate(p.certificate(), quorum);
      if (cert != null && cert.sequence() > checkpoints.stableSequence()) {
        keepCertificate(cert);
        if (cert.view() == view && log.inWindow(cert.sequence())) {
          SequenceSlot slot = log.slot(cert.sequence());
          if (slot.prePrepare() == null) {
            accept(slot, p.certificate().prePrepare());
          }
          p.certificate().prepares().forEach(slot::add);
        }
      }
    } else if (r instanceof LogRecord.SentCommit c && c.commit().view() == view
        && log.inWindow(c.commit().sequence())) {
      log.slot(c.commit().sequence()).add(c.commit());
    }
    if (r instanceof LogRecord.SentCommit c) {
      highestCommitSent = Math.max(highestCommitSent, c.commit().sequence());
    }
  }

  /** After a restart: slots of this view whose batch had not arrived are fetched again (from anyone). */
  private void wantMissingBatches() {
    if (viewChanging) {
      return;
    }
    for (SequenceSlot slot : log.above(log.low())) {
      PrePrepare pp = slot.prePrepare();
      if (pp != null && !pp.hasBatch()) {
        Batch held = batches.find(pp.sequence(), pp.digest());
        if (held != null) {
          accept(slot, pp.withBatch(held));
        } else {
          batches.want(pp.sequence(), pp.digest(), List.of());
        }
      }
    }
  }

  /** Arms the periodic timers; call once before the first event. */
  public void start() {
    if (lastExecuted < epochs.startSequence()) {
      fetchEpochStart();
    }
    effects.setTimer(TimerId.STATUS, retransmission.periodTicks());
    if (viewChanging) {
      armViewChangeTimer(viewChanger.timeout());
    }
  }

  /**
   * Which requests end this replica's epoch; before the first event. A replica that restarted or
   * fetched the state after its epoch ended finds that in the client table.
   */
  public void governedBy(Epochs rules) {
    this.epochs = rules;
    this.epochEnd = EpochEnd.recordedIn(clients, rules);
    viewChanger.epochStartsAt(rules.startSequence(), rules.startState());
  }

  /** Whether this epoch has ended: its replica executes nothing more and orders only up to its epoch checkpoint. */
  public boolean epochEnded() {
    return epochEnd != null;
  }

  /** Where this epoch ended, or null while it goes on. */
  public EpochEnd epochEnd() {
    return epochEnd;
  }

  // ---------------------------------------------------------------- inputs

  /** A client's request, received directly or forwarded, at the shell's time {@code now}. */
  public void onRequest(Request request, long now) {
    clockNow = now;
    handleRequest(request);
    checkWindow();
  }

  private void handleRequest(Request request) {
    if (request.readOnly()) {
      executeReadOnly(request);
      return;
    }
    if (epochEnd != null) {
      drops.count(DropReason.EPOCH_ENDED); // the next epoch's replicas serve it
      return;
    }
    switch (clients.classify(request.clientId(), request.requestNumber())) {
      case STALE -> {
        // Refused in a signed reply rather than silently: a client whose number fell behind (another
        // process on its identity, or a restart with its clock behind) learns it from f + 1 replicas
        // instead of retransmitting forever. Its signature was checked, so the cost is its sender's.
        drops.count(DropReason.STALE_REQUEST);
        effects.reply(Reply.staleRefusal(view, request.clientId(), request.requestNumber(),
            clients.get(request.clientId()).requestNumber(), me));
      }
      // In full whatever its size: the client asks again when the designated replier's result did
      // not come, and every correct replica answering in full is what makes it come.
      case LAST_EXECUTED -> effects.reply(clients.get(request.clientId()).reply());
      case NEW -> {
        if (isPrimary()) {
          enqueue(request);
        } else {
          // Relay to the primary what it may lack, but boundedly: a request racing ahead of another
          // of its client still waiting here is not relayed (a correct client has one outstanding),
          // nor one relayed already this STATUS period; else a client flooding the backups with fresh
          // numbers would have them flood the primary's queues for their links, crowding out votes.
          Request waitingFor = waiting.get(request.clientId());
          boolean racingAhead = waitingFor != null && waitingFor.requestNumber() < request.requestNumber();
          boolean relayedAlready = forwardedThisPeriod.getOrDefault(request.clientId(), 0L) >= request.requestNumber();
          watch(request);
          if (!racingAhead && !relayedAlready) {
            effects.forward(quorum.primary(view), request);
            forwardedThisPeriod.put(request.clientId(), request.requestNumber());
            // Only what was relayed is the primary's to order: it cannot be blamed for the rest.
            if (!viewChanging && idleWatch.known(request)) {
              effects.setTimer(TimerId.PRIMARY_IDLE, config.primaryIdleTimeoutTicks());
            }
          }
        }
      }
    }
  }

  /**
   * A message from a peer, at the shell's time {@code now}: a backup checks the primary's batch
   * timestamps against it (docs/protocol.md, The primary's timestamp).
   */
  public void onMessage(ReplicaMessage message, long now) {
    clockNow = now;
    handleMessage(message, now);
    checkWindow();
  }

  /** A message at the time of the latest event that carried one (for hosts and tests whose clock stands still). */
  public void onMessage(ReplicaMessage message) {
    onMessage(message, clockNow);
  }

  private void handleMessage(ReplicaMessage message, long now) {
    if (!quorum.isReplica(message.sender()) || message.sender() == me) {
      drops.count(DropReason.UNKNOWN_SENDER);
      return;
    }
    if (message instanceof PrePrepare pp) {
      onPrePrepare(pp, now);
    } else if (message instanceof Prepare p) {
      onPrepare(p);
    } else if (message instanceof Commit c) {
      onCommit(c);
    } else if (message instanceof Checkpoint c) {
      onCheckpoint(c);
    } else if (message instanceof Status s) {
      onStatus(s);
    } else if (message instanceof ViewChange vc) {
      viewChanger.onViewChange(vc);
    } else if (message instanceof NewView nv) {
      viewChanger.onNewView(nv);
    } else if (message instanceof FetchBatch f) {
      batches.onFetch(f);
    } else if (message instanceof BatchReply reply) {
      Batch batch = batches.onReply(reply);
      if (batch != null) {
        batchArrived(reply.sequence(), batch);
      }
    } else {
      drops.count(DropReason.NOT_A_CLIENT_REQUEST);
    }
  }

  /**
   * The shell's word that it holds, or lost, its link to replica {@code peer} (see {@link
   * LinkReach}): while fewer than 2f + 1 replicas are in reach, this replica suspects no primary.
   */
  public void onReach(int peer, boolean linked) {
    reach.report(peer, linked, quorum.n());
  }

  public void onTimer(TimerId timer) {
    handleTimer(timer);
    checkWindow();
  }

  private void handleTimer(TimerId timer) {
    switch (timer) {
      case BATCH -> {
        batchTimerArmed = false;
        batchTimerExpired = true;
        cutBatches();
      }
      case VIEW_CHANGE -> {
        viewChangeTimerArmed = false;
        // In view change: the NEW-VIEW did not come in time. Otherwise: a known request did not
        // execute in time, or after the epoch's end the batches up to its checkpoint did not
        // (nothing waits then, but the next epoch does). Either way the primary is suspect.
        boolean epochCheckpointLate = epochEnd != null && lastExecuted < epochEnd.boundary();
        if (!(viewChanging || !waiting.isEmpty() || epochCheckpointLate)) {
          return;
        }
        if (!reach.quorumInReach()) {
          // No view could do better with the replicas in reach. (A replica fetching state still
          // suspects: with f faulty replicas, the view change may need its vote.)
          armViewChangeTimer();
        } else {
          viewChanger.startViewChange(view + 1, viewChanging ? "no NEW-VIEW in time"
              : epochCheckpointLate ? "epoch checkpoint not reached in time" : "request timed out");
        }
      }
      case PRIMARY_IDLE -> onPrimaryIdleRound();
      case STATUS -> onStatusPeriod();
    }
  }

  /** How many view-change timeouts of waiting make a view warmed up, however little it ordered. */
  static final int WARM_UP_TIMEOUTS = 2;

  /**
   * The idle watch judges a view once it has executed a checkpoint interval of sequence numbers, or
   * once requests have waited here through {@link #WARM_UP_TIMEOUTS} view-change timeouts of idle
   * rounds. The count alone let a primary that issues one batch per delayed round (closing partial
   * batches only on a drained pipeline) crawl for minutes before it; the time alone would judge a
   * busy cold start by its first seconds.
   */
  private boolean viewWarmedUp() {
    return executedInView >= Math.max(config.pipelineDepth(), config.checkpointInterval())
        || idleRoundsInView * config.primaryIdleTimeoutTicks() >= WARM_UP_TIMEOUTS * config.viewChangeTimeoutTicks();
  }

  private void onPrimaryIdleRound() {
    if (viewChanging) {
      idleWatch.reset();
      return;
    }
    idleRoundsInView++;
    // A primary that closes partial batches only on a drained pipeline honestly holds requests
    // while a batch this backup accepted has not executed here.
    switch (idleWatch.fired(config.batchesWaitForDrain() && highestPrePrepared > lastExecuted)) {
      case IDLE -> {
        if (fetchingSequence < 0 && viewWarmedUp() && reach.quorumInReach()) {
          viewChanger.startViewChange(view + 1, "primary idle while requests wait");
        } else {
          // A replica fetching state cannot tell an idle primary from its own lag; and a view that
          // is still starting (a new primary, cold caches and compilers): the view-change timer
          // alone watches those.
          idleWatch.forgive();
        }
      }
      case REARM -> effects.setTimer(TimerId.PRIMARY_IDLE, config.primaryIdleTimeoutTicks());
      case QUIET -> { }
    }
  }

  // ---------------------------------------------------------------- primary: batching

  private void enqueue(Request request) {
    if (!pending.offer(request)) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    cutBatches();
  }

  /**
   * A batch closes when it is full, when its timer expired (while others are in flight, after the
   * batch delay, unless partial batches wait for the drain), or else when the pipeline has drained:
   * at once, or, with a linger configured, once as many requests wait as clients were in the last
   * two batches (the clients just answered are on their way back), unless such waits have stopped
   * paying (see {@link BatchLinger}).
   */
  void cutBatches() {
    if (!isPrimary() || viewChanging) {
      return;
    }
    if (epochEnd != null || orderedEpochEnd >= 0) {
      fillToEpochCheckpoint();
      return;
    }
    while (!pending.isEmpty()) {
      long next = lastAssigned + 1;
      long inFlight = lastAssigned - lastExecuted;
      if (!log.inWindow(next) || inFlight >= config.pipelineDepth() || fetchingReproposedBatch()) {
        return;
      }
      boolean full = pending.fillsBatch(config.maxBatchSize());
      if (!full && !batchTimerExpired && inFlight > 0 && config.batchesWaitForDrain()) {
        return; // the execution that drains the pipeline cuts again
      }
      long wait = full || batchTimerExpired ? 0 : inFlight > 0 ? config.batchDelayTicks() : linger.hold(pending.size());
      if (wait > 0) {
        if (!batchTimerArmed) {
          batchTimerArmed = true;
          effects.setTimer(TimerId.BATCH, wait);
        }
        return;
      }
      if (inFlight == 0) {
        linger.closedDrained(pending.size(), full);
      }
      issuePrePrepare(next);
      batchTimerExpired = false;
    }
    if (batchTimerArmed) {
      batchTimerArmed = false;
      effects.cancelTimer(TimerId.BATCH);
    }
  }

  /**
   * Whether a batch a NEW-VIEW re-proposed by digest is still on its way here. A new primary waits
   * for them before it issues batches of its own: only then does it know every timestamp its
   * backups will hold below its next batch, and can give that batch one they accept.
   */
  private boolean fetchingReproposedBatch() {
    for (long s = lastExecuted + 1; s <= reproposedUpTo; s++) {
      SequenceSlot slot = log.existing(s);
      if (slot != null && slot.prePrepare() != null && !slot.prePrepare().hasBatch()) {
        return true;
      }
    }
    return false;
  }

  private boolean endsTheEpoch(List<Request> requests) {
    return requests.stream().anyMatch(r -> epochs.check(r.clientId(), r.operation()) instanceof Epochs.Ends);
  }

  /**
   * After a reconfiguration, the primary orders null batches up to the epoch checkpoint, at once:
   * nothing else would execute there, and the next epoch waits for that checkpoint to be stable.
   */
  private void fillToEpochCheckpoint() {
    long last = epochEnd != null ? epochEnd.boundary()
        : EpochEnd.at(epochs.epoch(), orderedEpochEnd, config.checkpointInterval(), Digest.ZERO).boundary();
    while (lastAssigned < last && log.inWindow(lastAssigned + 1) && lastAssigned - lastExecuted < config.pipelineDepth()) {
      long next = lastAssigned + 1;
      PrePrepare pp = new PrePrepare(view, next, Batch.nullRequest(), me, null);
      accept(log.slot(next), pp);
      batches.accepted(pp);
      lastAssigned = next;
      effects.persist(new LogRecord.AcceptedPrePrepare(pp));
      effects.broadcast(pp);
    }
  }

  private void issuePrePrepare(long sequence) {
    List<Request> requests = pending.take(config.maxBatchSize());
    if (endsTheEpoch(requests)) {
      orderedEpochEnd = sequence; // a courtesy to clients: a correct primary orders nothing after it
    }
    long timestamp = timestamps.forPrimary(clockNow, sequence, log);
    PrePrepare pp = new PrePrepare(view, sequence, Batch.of(requests, timestamp), me, null);
    SequenceSlot slot = log.slot(sequence);
    accept(slot, pp);
    batches.accepted(pp);
    lastAssigned = sequence;
    effects.persist(new LogRecord.AcceptedPrePrepare(pp));
    effects.broadcast(pp);
  }

  // ---------------------------------------------------------------- normal case

  private void onPrePrepare(PrePrepare pp, long now) {
    if (viewChanging) {
      drops.count(DropReason.IN_VIEW_CHANGE);
      return;
    }
    if (pp.sender() != quorum.primary(pp.view())) {
      drops.count(DropReason.NOT_FROM_PRIMARY);
      return;
    }
    if (epochEnd != null && pp.sequence() > epochEnd.boundary()) {
      drops.count(DropReason.EPOCH_ENDED);
      return;
    }
    if (pp.view() != view) {
      drops.count(DropReason.WRONG_VIEW);
      return;
    }
    if (!pp.hasBatch()) {
      drops.count(DropReason.MISSING_BATCH);
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
    BatchTimestamps.Verdict verdict = timestamps.check(pp, now, log, view);
    if (verdict != BatchTimestamps.Verdict.ACCEPT && verdict != BatchTimestamps.Verdict.BEHIND) {
      refuseTimestamp(pp, verdict);
      return;
    }
    accept(slot, pp);
    batches.accepted(pp);
    highestPrePrepared = Math.max(highestPrePrepared, pp.sequence());
    effects.persist(new LogRecord.AcceptedPrePrepare(pp));
    idleWatch.prePrepared(pp.batch(),
        pp.sequence() - lastExecuted >= config.pipelineDepth() || !log.inWindow(pp.sequence() + 1));
    if (verdict == BatchTimestamps.Verdict.BEHIND) {
      holdWithoutVote(pp);
    } else {
      sendPrepare(slot, pp);
    }
    advance(slot);
  }

  /**
   * A PRE-PREPARE whose timestamp lies further behind this backup's clock than the skew is kept
   * without this backup's PREPARE, and counted. Most likely this backup lags and the PRE-PREPARE is
   * an old one sent again (STATUS, after a restart or a partition): the other replicas prepared
   * and committed it long ago, and their certificates, which hold f + 1 correct replicas that
   * judged the timestamp when it was new, let this backup execute it. Refusing it outright left
   * such a backup unable to execute anything after it until the next state transfer, and its
   * timers then took it into the next view alone. A primary that stamps old times is not helped:
   * no correct backup prepares its batch, so its requests wait and the view changes.
   */
  private void holdWithoutVote(PrePrepare pp) {
    drops.count(DropReason.TIMESTAMP_SKEWED);
  }

  /**
   * A PRE-PREPARE whose timestamp fails the check is refused like one with a bad signature: counted,
   * and its primary suspected. The suspicion is the view-change timer on the batch's requests (as
   * for a request the primary left waiting), not an immediate view change: a backup whose own clock
   * is wrong then changes view alone, and the others, whose clocks agree with the primary's, carry on.
   * (A timestamp too far behind is not refused: see {@link #holdWithoutVote}.)
   */
  private void refuseTimestamp(PrePrepare pp, BatchTimestamps.Verdict verdict) {
    drops.count(verdict == BatchTimestamps.Verdict.BACKWARDS ? DropReason.TIMESTAMP_BACKWARDS : DropReason.TIMESTAMP_SKEWED);
    for (Request r : pp.batch().requests()) {
      if (clients.classify(r.clientId(), r.requestNumber()) == ClientTable.Verdict.NEW) {
        watch(r);
      }
    }
  }

  /**
   * Puts {@code pp} into its slot. Every path here has already dropped PRE-PREPAREs that are not
   * from the primary of this view (onPrePrepare), or built them itself (as primary, from a checked
   * NEW-VIEW, from its own log): one that slips through would let a faulty backup order batches.
   */
  private void accept(SequenceSlot slot, PrePrepare pp) {
    if (pp.view() != view || pp.sender() != quorum.primary(pp.view()) || pp.sequence() != slot.sequence) {
      throw Invariant.broken(me, view, slot.sequence, "accepting a PRE-PREPARE of view " + pp.view() + " for sequence "
          + pp.sequence() + " from replica " + pp.sender() + ", not from the primary " + quorum.primary(view)
          + " of this view");
    }
    PrePrepare known = slot.prePrepare();
    if (known != null && !known.digest().equals(pp.digest())) {
      throw Invariant.broken(me, view, slot.sequence, "accepting a second PRE-PREPARE with another digest ("
          + pp.digest() + ") into a slot that holds " + known.digest());
    }
    slot.accept(pp);
  }

  private void sendPrepare(SequenceSlot slot, PrePrepare pp) {
    Prepare prepare = new Prepare(view, pp.sequence(), pp.digest(), me, null);
    slot.add(prepare);
    effects.persist(new LogRecord.SentPrepare(prepare));
    effects.broadcast(prepare);
  }

  /**
   * A batch this replica fetched for a slot a NEW-VIEW re-issued by digest. Only now does a backup
   * PREPARE it: a PREPARE vouches that its sender holds the batch and can serve it.
   */
  private void batchArrived(long sequence, Batch batch) {
    SequenceSlot slot = log.existing(sequence);
    PrePrepare pp = slot == null ? null : slot.prePrepare();
    if (pp == null || pp.hasBatch() || !pp.digest().equals(batch.digest())) {
      return; // the view moved on since it was asked for
    }
    PrePrepare full = pp.withBatch(batch);
    accept(slot, full);
    batches.accepted(full);
    effects.persist(new LogRecord.AcceptedPrePrepare(full));
    if (!isPrimary() && slot.prepareFrom(me) == null) {
      sendPrepare(slot, full);
    }
    advance(slot);
    cutBatches(); // a new primary may have waited for this batch's timestamp
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
      drops.count(p.digest().equals(slot.prepareFrom(p.sender()).digest()) ? DropReason.DUPLICATE : DropReason.EQUIVOCATION);
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
      drops.count(c.digest().equals(slot.commitFrom(c.sender()).digest()) ? DropReason.DUPLICATE : DropReason.EQUIVOCATION);
      return;
    }
    advance(slot);
  }

  private SequenceSlot slotFor(long msgView, long sequence) {
    if (viewChanging) {
      drops.count(DropReason.IN_VIEW_CHANGE);
      return null;
    }
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
      PreparedCertificate cert = PreparedCertificate.validate(pp, slot.matchingPrepares(), quorum);
      if (cert == null) {
        // The slot counts PREPAREs of its own view and digest only, and took its PRE-PREPARE from
        // the view's primary: a prepared slot without a certificate is corrupt state of our own.
        throw Invariant.broken(me, view, slot.sequence, "about to COMMIT a slot that counts as prepared, but its"
            + " PRE-PREPARE (view " + pp.view() + ", from replica " + pp.sender() + ") and its "
            + slot.matchingPrepares().size() + " PREPAREs form no prepared certificate");
      }
      keepCertificate(cert);
      batches.certified(cert.sequence(), pp.batch());
      effects.persist(new LogRecord.Prepared(cert.toProof()));
      Commit commit = new Commit(pp.view(), slot.sequence, pp.digest(), me, null);
      slot.add(commit);
      highestCommitSent = Math.max(highestCommitSent, slot.sequence);
      effects.persist(new LogRecord.SentCommit(commit));
      effects.broadcast(commit);
    }
    if (slot.checkCommitted() && slot.sequence == lastExecuted + 1) {
      executeReady();
    }
  }

  private void keepCertificate(PreparedCertificate cert) {
    PreparedCertificate known = preparedCertificates.get(cert.sequence());
    if (known == null || known.view() <= cert.view()) {
      preparedCertificates.put(cert.sequence(), cert);
    }
  }

  // ---------------------------------------------------------------- execution

  private void executeReady() {
    SequenceSlot next;
    // A slot committed on a digest whose batch is still being fetched waits for it.
    while ((next = log.existing(lastExecuted + 1)) != null && next.isCommitted() && next.prePrepare().hasBatch()) {
      execute(next.sequence, next.prePrepare().batch());
    }
    answerDeferredReads();
    cutBatches();
  }

  /** Package-private so a test can execute out of order and see the invariant stop it. */
  void execute(long sequence, Batch batch) {
    if (sequence != lastExecuted + 1) {
      throw Invariant.broken(me, view, sequence, "executing out of order: the last executed is " + lastExecuted
          + ", so the next must be " + (lastExecuted + 1) + " (each sequence number executes once, in order)");
    }
    for (Request r : batch.requests()) {
      if (epochEnd != null) {
        break; // nothing after a reconfiguration executes in its epoch, whatever a primary ordered
      }
      idleWatch.ordered(r);
      if (clients.classify(r.clientId(), r.requestNumber()) != ClientTable.Verdict.NEW) {
        continue; // ordered twice (a faulty primary, or a retry): exactly once means skip it
      }
      byte[] result = executeOne(r, sequence, batch.timestamp());
      Reply reply = new Reply(view, r.clientId(), r.requestNumber(), result, me, null);
      clients.record(r.clientId(), r.requestNumber(), reply);
      effects.reply(firstAnswer(reply));
      Request watched = waiting.get(r.clientId());
      if (watched != null && watched.requestNumber() <= r.requestNumber()) {
        waiting.remove(r.clientId());
      }
    }
    linger.executed(batch);
    timestamps.executed(batch);
    lastExecuted = sequence;
    executedInView++;
    viewChanger.progressed();
    effects.executed(sequence, batch);
    if (viewChangeTimerArmed) {
      // Progress: restart the suspicion clock for whatever is still waiting.
      viewChangeTimerArmed = false;
      effects.cancelTimer(TimerId.VIEW_CHANGE);
      if (!waiting.isEmpty()) {
        armViewChangeTimer();
      }
    }
    if (epochEnd != null) {
      waitForEpochCheckpoint();
    }
    if (sequence % config.checkpointInterval() == 0) {
      takeCheckpoint(sequence);
    }
  }

  /** An administrator's request changes the epoch, never the service; any other goes to the service. */
  private byte[] executeOne(Request r, long sequence, long timestamp) {
    Epochs.Verdict verdict = epochs.check(r.clientId(), r.operation());
    if (verdict == null) {
      return service.execute(r.operation(), new ExecutionContext(r.clientId(), r.requestNumber(), sequence, timestamp));
    }
    if (verdict instanceof Epochs.Answer answer) {
      return answer.result();
    }
    epochEnd = EpochEnd.at(epochs.epoch(), sequence, config.checkpointInterval(), ((Epochs.Ends) verdict).next());
    effects.epochEnded(sequence, epochEnd.boundary(), epochEnd.next());
    return epochEnd.result();
  }

  /**
   * After the epoch's end no client request will execute here, so none is watched; what is left to
   * wait for is the primary's null batches up to the epoch checkpoint, and a primary that does not
   * order them is suspected as one that sits on requests is.
   */
  private void waitForEpochCheckpoint() {
    waiting.clear();
    cancelViewChangeTimer();
    if (lastExecuted < epochEnd.boundary() && !viewChanging) {
      armViewChangeTimer();
    }
  }

  /**
   * A read-only request runs against the executed state, but only once this replica has executed
   * every sequence number it sent a COMMIT for when the request came. Why: a write that completed
   * before the read began was committed by 2f + 1 replicas, and any 2f + 1 that answer the read
   * share a correct one with them, which then answers with the write in its state; without the
   * wait, the f faulty and 2f correct replicas that have not executed the write yet could agree on
   * the value before it (docs/protocol.md, Clients). Waiting here cannot stall the client: if the
   * 2f + 1 answers do not come in time it asks again through the ordered path.
   */
  private void executeReadOnly(Request request) {
    if (lastExecuted >= highestCommitSent) {
      answerReadOnly(request);
    } else {
      deferredReads.remove(request.clientId());
      deferredReads.put(request.clientId(), new DeferredRead(request, highestCommitSent));
    }
  }

  private void answerDeferredReads() {
    if (deferredReads.isEmpty()) {
      return;
    }
    java.util.Iterator<DeferredRead> it = deferredReads.values().iterator();
    while (it.hasNext()) {
      DeferredRead d = it.next();
      if (lastExecuted >= d.executeThrough()) {
        it.remove();
        answerReadOnly(d.request());
      }
    }
  }

  private void answerReadOnly(Request request) {
    byte[] result = epochs.administrator(request.clientId()) ? administratorsRead(request)
        : service.executeReadOnly(request.operation());
    effects.replyReadOnly(request, firstAnswer(new Reply(view, request.clientId(), request.requestNumber(), result, me, null)));
  }

  /** An administrator reads the epoch (CHECK-EPOCH) without ordering; a reconfiguration is never a read. */
  private byte[] administratorsRead(Request request) {
    return epochs.check(request.clientId(), request.operation()) instanceof Epochs.Answer answer ? answer.result() : "refused: a reconfiguration is ordered, never read".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * What goes to the client the first time a result is sent: in full from the request's designated
   * replier or when it is short, else by digest (docs/protocol.md, Clients), so a large result
   * crosses the network once instead of n times. A retransmitted request is answered from the
   * client table, always in full: the client's way round a designated replier that is faulty or slow.
   */
  private Reply firstAnswer(Reply full) {
    boolean byDigest = config.repliesByDigest(full.result().length) && quorum.replier(full.clientId(), full.requestNumber()) != me;
    return byDigest ? full.asDigest() : full;
  }

  private void watch(Request request) {
    Request known = waiting.get(request.clientId());
    if (known == null || known.requestNumber() < request.requestNumber()) {
      waiting.put(request.clientId(), request);
    }
    if (!viewChangeTimerArmed && !viewChanging) {
      armViewChangeTimer();
    }
  }

  private void armViewChangeTimer() {
    armViewChangeTimer(config.viewChangeTimeoutTicks());
  }

  void armViewChangeTimer(long ticks) {
    viewChangeTimerArmed = true;
    effects.setTimer(TimerId.VIEW_CHANGE, ticks);
  }

  void cancelViewChangeTimer() {
    if (viewChangeTimerArmed) {
      viewChangeTimerArmed = false;
      effects.cancelTimer(TimerId.VIEW_CHANGE);
    }
  }

  // ---------------------------------------------------------------- view change (driven by ViewChanger)

  /** Leaves the current view: normal-case messages stop counting until the new view is installed. */
  void enterViewChange(long newView) {
    Invariant.check(newView > view, me, view, -1, "entering view " + newView + ", not above the current one");
    view = newView;
    viewChanging = true;
    orderedEpochEnd = -1;
    effects.persist(new LogRecord.EnteredView(newView, true));
    cancelViewChangeTimer();
    executedInView = 0;
    idleRoundsInView = 0;
    if (idleWatch.reset()) {
      effects.cancelTimer(TimerId.PRIMARY_IDLE);
    }
    if (batchTimerArmed) {
      batchTimerArmed = false;
      effects.cancelTimer(TimerId.BATCH);
    }
    linger.abandon();
    timestamps.newView();
    reproposedUpTo = 0;
    log.clearSlots();
    batches.stopWanting();
  }

  /**
   * A NEW-VIEW's plan rests on 2f + 1 VIEW-CHANGEs for its view from distinct replicas: the new
   * primary gathers them before it computes one, and a backup checks a received NEW-VIEW's before
   * it recomputes the plan (an unproven one is dropped as INVALID_NEW_VIEW).
   */
  private void checkNewViewProven(NewViewPlan plan) {
    boolean[] seen = new boolean[quorum.n()];
    int distinct = 0;
    for (ViewChange vc : plan.viewChanges()) {
      if (vc.newView() == plan.view() && quorum.isReplica(vc.sender()) && !seen[vc.sender()]) {
        seen[vc.sender()] = true;
        distinct++;
      }
    }
    if (plan.view() != view || distinct < quorum.certificate()) {
      throw Invariant.broken(me, view, -1, "installing view " + plan.view() + " on " + distinct
          + " distinct VIEW-CHANGEs for it, " + quorum.certificate() + " (2f + 1) needed");
    }
  }

  /**
   * After every event: the log holds only slots in (h, h + L], where h is the stable checkpoint,
   * except while fetching the state of a checkpoint a NEW-VIEW started from, when h is that
   * (proven, higher) checkpoint. Every slot is created through a window check that drops the rest,
   * so a slot outside means the watermarks themselves are wrong.
   */
  private void checkWindow() {
    long low = log.low();
    long stable = checkpoints.stableSequence();
    boolean watermarkRight = fetchingSequence >= 0 ? low >= stable : low == stable;
    if (!watermarkRight || log.size() > config.logWindow()
        || (log.size() > 0 && (log.lowestSequence() <= low || log.highestSequence() > log.high()))) {
      throw Invariant.broken(me, view, lastExecuted + 1, "log outside its window: low watermark " + low
          + ", stable checkpoint " + stable + (fetchingSequence >= 0 ? ", fetching state " + fetchingSequence : "")
          + ", " + log.size() + " slots from " + log.lowestSequence() + " to " + log.highestSequence()
          + ", window L = " + config.logWindow());
    }
  }

  ViewChange buildViewChange(long newView) {
    // A proven checkpoint whose state is still on its way counts: a NEW-VIEW that started there
    // moved this replica's window to it, and its certificates lie above the old stable
    // checkpoint's window, where every peer would refuse them. What lies below it is covered by
    // its proof.
    long stable = checkpoints.stableSequence();
    List<Checkpoint> proof = checkpoints.stableProof();
    if (fetchingSequence > stable) {
      stable = fetchingSequence;
      proof = fetchingProof;
    }
    List<dev.bft.core.message.PreparedProof> prepared = new ArrayList<>();
    for (PreparedCertificate cert : preparedCertificates.tailMap(stable, false).values()) {
      prepared.add(cert.toProof());
    }
    return new ViewChange(newView, stable, proof, prepared, me, null);
  }

  /**
   * Runs the view NEW-VIEW started: adopts its checkpoint when this replica holds that state,
   * accepts its PRE-PREPAREs (and prepares them, as a backup), and hands waiting requests to the
   * new primary.
   */
  void installNewView(NewViewPlan plan, List<PrePrepare> prePrepares) {
    checkNewViewProven(plan);
    viewChanging = false;
    effects.persist(new LogRecord.EnteredView(view, false));
    cancelViewChangeTimer();
    if (plan.minSequence() > checkpoints.stableSequence() && plan.minSequence() <= lastExecuted) {
      checkpoints.makeStable(plan.minSequence(), plan.checkpointProof(), checkpoints.voteOf(me, plan.minSequence()));
      log.advanceLowWatermark(plan.minSequence());
      preparedCertificates.headMap(plan.minSequence(), true).clear();
      batches.forgetUpTo(plan.minSequence());
      effects.persist(new LogRecord.StableCheckpoint(plan.minSequence(), plan.checkpointProof()));
    } else if (plan.minSequence() > lastExecuted) {
      // The new view starts from a checkpoint this replica has not reached: fetch it, and accept
      // the view's PRE-PREPAREs meanwhile (they execute once the state is installed).
      log.advanceLowWatermark(plan.minSequence());
      fetchState(plan.checkpointProof());
    }
    // O names batches by digest: a backup PREPAREs those it holds and fetches the others first.
    for (PrePrepare issued : prePrepares) {
      if (!log.inWindow(issued.sequence())) {
        continue;
      }
      Batch held = batches.find(issued.sequence(), issued.digest());
      PrePrepare pp = held == null ? issued.withoutBatch() : issued.withBatch(held);
      SequenceSlot slot = log.slot(pp.sequence());
      accept(slot, pp);
      effects.persist(new LogRecord.AcceptedPrePrepare(pp));
      if (held == null) {
        batches.want(pp.sequence(), pp.digest(), plan.vouchers(pp.sequence(), pp.digest()));
      } else if (!isPrimary()) {
        sendPrepare(slot, pp);
      }
      if (held != null && orderedEpochEnd < 0 && endsTheEpoch(held.requests())) {
        orderedEpochEnd = pp.sequence(); // re-proposed here: the same courtesy as if this primary had ordered it
      }
    }
    batches.ask();
    reproposedUpTo = plan.maxSequence();
    lastAssigned = Math.max(plan.maxSequence(), lastExecuted);
    pending.startView(isPrimary(), waiting.values());
    if (isPrimary()) {
      waiting.clear();
      cutBatches();
    } else {
      for (Request r : waiting.values()) {
        effects.forward(quorum.primary(view), r);
      }
      if (!waiting.isEmpty()) {
        armViewChangeTimer(viewChanger.timeout());
      }
    }
  }

  // ---------------------------------------------------------------- checkpoints

  private void takeCheckpoint(long sequence) {
    Digest digest = StateDigests.checkpoint(service.stateDigest(), clients);
    if (epochEnd != null && sequence == epochEnd.boundary()) {
      digest = epochEnd.checkpointDigest(digest);
    }
    Checkpoint own = new Checkpoint(sequence, digest, me, null);
    checkpoints.add(own);
    effects.checkpointTaken(sequence, digest, clients.copy());
    effects.broadcast(own);
    tryStabilize(sequence);
  }

  private void onCheckpoint(Checkpoint c) {
    if (c.sequence() % config.checkpointInterval() != 0) {
      drops.count(DropReason.BAD_CHECKPOINT_PROOF);
      return;
    }
    if (c.sequence() > log.high()) {
      votesAhead.add(c);
      List<Checkpoint> proof = votesAhead.highestProven(log.high());
      if (proof != null) {
        fetchState(proof);
      }
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
    preparedCertificates.headMap(sequence, true).clear();
    batches.forgetUpTo(sequence);
    effects.persist(new LogRecord.StableCheckpoint(sequence, proof));
    if (epochEnd != null && sequence == epochEnd.boundary()) {
      effects.epochProven(sequence, proof);
    }
    cutBatches();
  }

  // ---------------------------------------------------------------- state transfer

  /** A checkpoint above this replica's execution that 2f + 1 replicas proved, from the window or beyond. */
  private List<Checkpoint> provenCheckpointAhead() {
    List<Checkpoint> beyond = votesAhead.highestProven(log.high());
    if (beyond != null) {
      return beyond;
    }
    for (long s = log.high() - log.high() % config.checkpointInterval(); s > lastExecuted;
         s -= config.checkpointInterval()) {
      Digest agreed = checkpoints.agreedDigest(s);
      if (agreed != null) {
        return checkpoints.proofFor(s, agreed);
      }
    }
    return null;
  }

  void fetchState(List<Checkpoint> proof) {
    if (proof.isEmpty()) {
      // Only the epoch's start is proven without CHECKPOINTs (a NEW-VIEW may start there).
      if (lastExecuted < epochs.startSequence() && fetchingSequence < epochs.startSequence()) {
        fetchEpochStart();
      }
      return;
    }
    long sequence = proof.get(0).sequence();
    if (sequence <= lastExecuted || sequence < fetchingSequence) {
      return;
    }
    fetchingSequence = sequence;
    fetchingProof = List.copyOf(proof);
    fetchingDigest = proof.get(0).stateDigest();
    StateTransferLog.fetching(me, lastExecuted, sequence);
    effects.fetchState(sequence, fetchingDigest);
  }

  /**
   * A replica that joins an epoch without its starting state (a new member, or one whose state is
   * older) fetches it first: the previous epoch proved its digest, so, as at sequence 0 in epoch 0,
   * no CHECKPOINT of this epoch is needed, and the stable checkpoint it then holds has no proof.
   */
  private void fetchEpochStart() {
    fetchingSequence = epochs.startSequence();
    fetchingProof = List.of();
    fetchingDigest = epochs.startState();
    StateTransferLog.fetching(me, lastExecuted, fetchingSequence);
    effects.fetchState(fetchingSequence, fetchingDigest);
  }

  /**
   * The shell restored the service to the checkpoint this replica asked for, after verifying it
   * against the proven digest, and hands over that checkpoint's client table.
   */
  public void onStateInstalled(long sequence, ClientTable installedClients) {
    if (sequence != fetchingSequence || sequence <= lastExecuted) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    Digest digest = fetchingDigest;
    clients = installedClients.copy();
    epochEnd = EpochEnd.recordedIn(clients, epochs);
    lastExecuted = sequence;
    lastAssigned = Math.max(lastAssigned, sequence);
    fetchingSequence = -1;
    Checkpoint own = new Checkpoint(sequence, digest, me, null);
    checkpoints.add(own);
    checkpoints.makeStable(sequence, fetchingProof, own);
    log.advanceLowWatermark(sequence);
    preparedCertificates.headMap(sequence, true).clear();
    batches.forgetUpTo(sequence);
    votesAhead.forgetUpTo(sequence);
    waiting.values().removeIf(r -> clients.classify(r.clientId(), r.requestNumber()) != ClientTable.Verdict.NEW);
    effects.persist(new LogRecord.StableCheckpoint(sequence, fetchingProof));
    effects.checkpointTaken(sequence, digest, clients.copy());
    if (epochEnd != null && !fetchingProof.isEmpty()) {
      // Caught up past the epoch's end by state transfer: the handover goes on from here, as if
      // this replica had executed the reconfiguration and proved the epoch checkpoint itself.
      effects.epochEnded(epochEnd.sequence(), epochEnd.boundary(), epochEnd.next());
      if (sequence == epochEnd.boundary()) {
        effects.epochProven(sequence, fetchingProof);
      }
    }
    StateTransferLog.installed(me, sequence);
    viewChanger.progressed();
    executeReady();
    checkWindow();
  }

  // ---------------------------------------------------------------- retransmission

  private void onStatusPeriod() {
    retransmission.newPeriod();
    batches.newPeriod();
    forwardedThisPeriod.clear();
    if (viewChanging) {
      viewChanger.retransmitOwnViewChange();
    } else {
      boolean ownCheckpointUnstable = lastExecuted - checkpoints.stableSequence() >= config.checkpointInterval();
      long above = retransmission.endPeriod(log, lastExecuted, !waiting.isEmpty() || ownCheckpointUnstable);
      if (above >= 0) {
        List<Checkpoint> proven = provenCheckpointAhead();
        if (proven != null) {
          fetchState(proven);
        }
        effects.broadcast(new Status(view, above, me, null));
      }
    }
    effects.setTimer(TimerId.STATUS, retransmission.periodTicks());
  }

  private void onStatus(Status s) {
    if (s.view() > view || (s.view() == view && viewChanging)) {
      drops.count(DropReason.WRONG_VIEW);
    } else if (!retransmission.mayAnswer(s.sender())) {
      drops.count(DropReason.DUPLICATE);
    } else if (s.view() < view) {
      viewChanger.helpLaggingReplica(s.sender());
    } else {
      retransmission.answer(s.sender(), s.retransmitAbove(), log, checkpoints);
    }
  }

  // ---------------------------------------------------------------- queries

  public boolean isPrimary() {
    return quorum.primary(view) == me;
  }

  public boolean isViewChanging() {
    return viewChanging;
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

  /**
   * The view of the latest VIEW-CHANGE this replica holds from {@code replica} (-1 if none): one
   * for that view or a lower one changes nothing here, unless it is for this very view.
   */
  public long latestViewChangeOf(int replica) {
    return viewChanger.latestViewChangeOf(replica);
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

  /** The 2f + 1 CHECKPOINTs that made {@link #stableCheckpoint()} stable (empty for 0). */
  public List<Checkpoint> stableCheckpointProof() {
    return checkpoints.stableProof();
  }

  public int logSize() {
    return log.size();
  }

  /** Waits for returning clients this replica began as primary ({@link BatchLinger}). */
  public long lingerWaits() {
    return linger.waits();
  }

  /** Of those, the waits that did not pay and backed the linger off. */
  public long lingerWaitsUnpaid() {
    return linger.unpaidWaits();
  }

  public int pendingRequests() {
    return pending.size();
  }

  /** Read-only requests waiting for this replica to execute what it committed to. */
  public int deferredReads() {
    return deferredReads.size();
  }

  public DropCounters drops() {
    return drops;
  }

  /** The log itself, for tests that corrupt it to show that {@link Invariant}s fire; nothing else writes it. */
  MessageLog messageLog() {
    return log;
  }

  /** For diagnostics: where the next sequence to execute stands. */
  public String describeNextSlot() {
    SequenceSlot next = log.existing(lastExecuted + 1);
    if (next == null) {
      return "slot " + (lastExecuted + 1) + " empty";
    }
    PrePrepare pp = next.prePrepare();
    return "slot " + next.sequence + (pp == null ? " no pre-prepare" : " pp(v=" + pp.view() + ")")
        + " prepares=" + next.matchingPrepares().size() + " commits=" + next.matchingCommitCount()
        + (next.isPrepared() ? " prepared" : "") + (next.isCommitted() ? " committed" : "");
  }

  /** The sequence number whose state is being fetched, or -1. */
  public long fetchingState() {
    return fetchingSequence;
  }

  public ClientTable clientTable() {
    return clients;
  }

  public ReplicaConfig config() {
    return config;
  }
}
