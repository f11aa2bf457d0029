package dev.bft.core.protocol;

import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ViewChange;
import java.util.List;

/**
 * The view-change protocol (docs/protocol.md, View change) for one replica: sending VIEW-CHANGE,
 * collecting them, joining a view that f + 1 replicas moved to, building NEW-VIEW as the new
 * primary, and checking a NEW-VIEW by recomputing it. The replica's own log and execution stay
 * with {@link Replica}; this class decides when views change.
 */
final class ViewChanger {
  private final Replica replica;
  private final Quorum quorum;
  private final ReplicaConfig config;
  private final Effects effects;
  private final DropCounters drops;
  private final ViewChangeVotes votes;
  private final ViewChangeValidator validator;

  private int attemptsWithoutProgress;
  private long changeStartedView = -1;
  private NewView sentNewView;
  private boolean newViewTimerArmed;

  ViewChanger(Replica replica, ReplicaConfig config, Effects effects, DropCounters drops) {
    this.replica = replica;
    this.quorum = config.quorum();
    this.config = config;
    this.effects = effects;
    this.drops = drops;
    this.votes = new ViewChangeVotes(quorum);
    this.validator = new ViewChangeValidator(config);
  }

  /** The NEW-VIEW timeout: T, doubled for each consecutive view change that brought no progress. */
  /** The epoch starts at a checkpoint the epoch before proved: VIEW-CHANGEs may name it without CHECKPOINTs. */
  void epochStartsAt(long sequence, dev.bft.crypto.Digest state) {
    validator.epochStartsAt(sequence, state);
  }

  long timeout() {
    int doublings = Math.min(Math.max(attemptsWithoutProgress - 1, 0), 16);
    return config.viewChangeTimeoutTicks() << doublings;
  }

  void progressed() {
    attemptsWithoutProgress = 0;
  }

  /** Moves to {@code newView} and tells everyone, with this replica's checkpoint and prepared certificates. */
  void startViewChange(long newView, String reason) {
    long from = replica.view();
    attemptsWithoutProgress++;
    newViewTimerArmed = false;
    replica.enterViewChange(newView);
    ViewChange own = replica.buildViewChange(newView);
    votes.add(own);
    changeStartedView = newView;
    effects.broadcast(own);
    ViewChangeLog.started(replica.id(), from, newView, reason);
    effects.viewChangeStarted(from, newView, reason);
    afterVote();
  }

  /** After a restart in the middle of a view change: re-announce the same view with what was persisted. */
  void resumeAfterRestart() {
    ViewChange own = replica.buildViewChange(replica.view());
    votes.add(own);
    changeStartedView = replica.view();
  }

  /** The view of the latest VIEW-CHANGE held from {@code replica}, or -1. */
  long latestViewChangeOf(int replica) {
    ViewChange vc = votes.of(replica);
    return vc == null ? -1 : vc.newView();
  }

  void onViewChange(ViewChange vc) {
    if (!validator.isValid(vc)) {
      drops.count(DropReason.INVALID_VIEW_CHANGE);
      return;
    }
    long view = replica.view();
    if (vc.newView() < view || (vc.newView() == view && !replica.isViewChanging())) {
      // A replica behind us: the primary that started this view shows it the way in.
      if (vc.newView() == view && replica.isPrimary() && sentNewView != null && sentNewView.view() == view) {
        effects.send(vc.sender(), sentNewView);
      }
      drops.count(DropReason.WRONG_VIEW);
      return;
    }
    if (!votes.add(vc)) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    long join = votes.viewBackedByWeakQuorum(view);
    if (join > view) {
      startViewChange(join, "f+1 replicas moved to view " + join);
      return;
    }
    afterVote();
  }

  /** With 2f + 1 VIEW-CHANGEs for the view: the primary sends NEW-VIEW, the others start waiting for it. */
  private void afterVote() {
    long view = replica.view();
    if (!replica.isViewChanging()) {
      return;
    }
    List<ViewChange> forView = votes.forView(view);
    if (forView.size() < quorum.certificate()) {
      return;
    }
    if (replica.isPrimary()) {
      List<ViewChange> chosen = forView.subList(0, quorum.certificate());
      NewViewPlan plan = NewViewPlan.compute(view, chosen, quorum);
      NewView nv = new NewView(view, chosen, plan.prePrepares(), replica.id(), null);
      // installNewView persists the re-issued PRE-PREPAREs, in this same event, so before NEW-VIEW leaves.
      sentNewView = nv;
      effects.broadcast(nv);
      install(plan, plan.prePrepares());
    } else if (!newViewTimerArmed) {
      newViewTimerArmed = true;
      replica.armViewChangeTimer(timeout());
    }
  }

  void onNewView(NewView nv) {
    long view = replica.view();
    if (nv.sender() != quorum.primary(nv.view())) {
      drops.count(DropReason.NOT_FROM_PRIMARY);
      return;
    }
    if (nv.view() < view || (nv.view() == view && !replica.isViewChanging())) {
      drops.count(DropReason.DUPLICATE);
      return;
    }
    if (!proves(nv)) {
      drops.count(DropReason.INVALID_NEW_VIEW);
      return;
    }
    NewViewPlan plan = NewViewPlan.compute(nv.view(), nv.viewChanges(), quorum);
    if (!plan.matches(nv.prePrepares())) {
      drops.count(DropReason.INVALID_NEW_VIEW);
      return;
    }
    if (nv.view() > view) {
      replica.enterViewChange(nv.view());
      effects.viewChangeStarted(view, nv.view(), "joined on a valid NEW-VIEW");
    }
    install(plan, nv.prePrepares());
  }

  /** 2f + 1 valid VIEW-CHANGEs for the NEW-VIEW's view from distinct replicas. */
  private boolean proves(NewView nv) {
    boolean[] seen = new boolean[quorum.n()];
    int count = 0;
    for (ViewChange vc : nv.viewChanges()) {
      if (vc.newView() != nv.view() || !quorum.isReplica(vc.sender()) || seen[vc.sender()] || !validator.isValid(vc)) {
        return false;
      }
      seen[vc.sender()] = true;
      count++;
    }
    return count >= quorum.certificate();
  }

  private void install(NewViewPlan plan, List<PrePrepare> prePrepares) {
    newViewTimerArmed = false;
    ViewChangeLog.installed(replica.id(), plan.view(), plan.minSequence(), plan.maxSequence());
    replica.installNewView(plan, prePrepares);
    effects.viewInstalled(plan.view());
  }

  /** Every STATUS period while changing views: lost VIEW-CHANGEs are sent again. */
  void retransmitOwnViewChange() {
    ViewChange own = votes.of(replica.id());
    if (own != null && own.newView() == replica.view()) {
      effects.broadcast(own);
    }
  }

  /** A peer reported an older view: show it how this one started. */
  void helpLaggingReplica(int peer) {
    if (!replica.isViewChanging() && sentNewView != null && sentNewView.view() == replica.view()) {
      effects.send(peer, sentNewView);
      return;
    }
    ViewChange own = votes.of(replica.id());
    if (own != null && own.newView() == replica.view()) {
      effects.send(peer, own);
    }
  }
}
