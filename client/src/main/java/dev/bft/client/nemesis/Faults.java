package dev.bft.client.nemesis;

import dev.bft.client.nemesis.FaultSchedule.Fault;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a fault schedule on the cluster's processes and links, at the scheduled times
 * (late, when an action before took long), and records when each fault was really injected and healed.
 *
 * <ul>
 *   <li>kill: SIGKILL; heal: start it again on its LMDB directory (recovery).</li>
 *   <li>pause: SIGSTOP; heal: SIGCONT.</li>
 *   <li>partition: cut every link into and out of the replica (see {@link NemesisCluster}); heal: restore them.</li>
 *   <li>restart: SIGTERM (a clean stop); heal: start it again.</li>
 *   <li>wipe: SIGKILL and delete its LMDB directory; heal: start it empty (it catches up by state transfer).</li>
 *   <li>byzantine: restart it playing the behaviour; heal: restart it honest (on the same directory).</li>
 *   <li>clock: restart it with {@code --clock-offset-ms}; heal: restart it without.</li>
 *   <li>disk-full: fill the disk its data is on; heal: free it, and start the replica again if it stopped.</li>
 * </ul>
 */
final class Faults {
  /** A fault as it happened: nanoseconds since the run started; {@code healed} is -1 until it is. */
  record Injected(Fault fault, long injected, long healed) {}

  private final NemesisCluster cluster;
  private final List<Fault> schedule;
  private long startNanos;
  private final PrintWriter out;
  private final Map<Integer, Long> injectedAt = new HashMap<>();
  private final Map<Integer, Long> healedAt = new HashMap<>();
  /** Healed replicas not yet back (up and caught up). */
  private final java.util.Set<Integer> recovering = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Set when the run ends: the recovery watches still waiting stop saying what they see. */
  private volatile boolean watching = true;
  /** How far the schedule has slipped, waiting for restarted replicas to come up. */
  private long lagMillis;

  Faults(NemesisCluster cluster, List<Fault> schedule, PrintWriter out) {
    this.cluster = cluster;
    this.schedule = schedule;
    this.out = out;
  }

  /** The run's time 0 (System.nanoTime), which the schedule counts from. */
  void startClock(long startNanos) {
    this.startNanos = startNanos;
  }

  /**
   * Options replica {@code id} starts with: a fault scheduled from time 0 (f + 1 colluders beyond f)
   * is on from the cluster's start, instead of costing a restart of f + 1 replicas at once.
   */
  List<String> initialOptions(int id) {
    for (Fault f : schedule) {
      if (f.startMillis() == 0 && f.kind() == FaultSchedule.Kind.BYZANTINE && f.replicas().contains(id)) {
        return List.of("--byzantine", f.detail());
      }
    }
    return List.of();
  }

  private record Action(long atMillis, Fault fault, boolean inject) {}

  /** Injects and heals every fault of the schedule in time order; returns when the last one is healed. */
  void run() throws InterruptedException, IOException {
    List<Action> actions = new ArrayList<>();
    for (Fault f : schedule) {
      actions.add(new Action(f.startMillis(), f, true));
      actions.add(new Action(f.healMillis(), f, false));
    }
    // at one instant, heal before injecting: the schedule counted the healed replica as free
    actions.sort(Comparator.comparingLong(Action::atMillis).thenComparing(Action::inject));
    for (Action a : actions) {
      long wait = a.atMillis() + lagMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      if (wait > 0) {
        Thread.sleep(wait);
      } else {
        lagMillis -= wait; // late (a replica took long to come up): the rest of the schedule slips as much
      }
      if (a.inject() && a.atMillis() == 0) {
        synchronized (this) {
          injectedAt.put(a.fault().index(), 0L); // started with it: see initialOptions
        }
        say("on from the start: " + a.fault());
      } else if (a.inject()) {
        inject(a.fault());
      } else {
        heal(a.fault());
      }
    }
  }

  /** Ends the recovery watches' reports: the run is over and its replicas are about to stop. */
  void stopWatching() {
    watching = false;
  }

  /** Heals whatever is still injected (after an interrupted run). */
  void healAll() throws InterruptedException, IOException {
    for (Fault f : schedule) {
      if (injectedAt.containsKey(f.index()) && !healedAt.containsKey(f.index())) {
        heal(f);
      }
    }
  }

  private void inject(Fault f) throws InterruptedException, IOException {
    long began = System.nanoTime();
    awaitRoomFor(f);
    synchronized (this) {
      injectedAt.put(f.index(), now());
    }
    say("inject " + f);
    for (int r : f.replicas()) {
      switch (f.kind()) {
        case KILL -> cluster.kill(r);
        case PAUSE -> cluster.pause(r);
        case PARTITION -> cluster.partition(r);
        case RESTART -> cluster.terminate(r);
        case WIPE -> {
          cluster.kill(r);
          cluster.wipe(r);
        }
        case BYZANTINE -> {
          cluster.kill(r);
          cluster.start(r, "--byzantine", f.detail());
        }
        case CLOCK -> {
          cluster.kill(r);
          cluster.start(r, "--clock-offset-ms", f.detail());
        }
        case DISK_FULL -> say("replica " + r + "'s disk is full (" + (cluster.fillDisk(r) >> 20) + " MiB written to fill it)");
      }
    }
    if (f.kind() == FaultSchedule.Kind.BYZANTINE || f.kind() == FaultSchedule.Kind.CLOCK) {
      awaitUp(f); // the fault is on once the replica plays it: its time counts from then
    }
    // the fault lasts as planned from when it is on: its heal and the rest of the schedule slip by the waits
    lagMillis += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
  }

  private void heal(Fault f) throws InterruptedException, IOException {
    for (int r : f.replicas()) {
      switch (f.kind()) {
        case KILL, RESTART, WIPE -> cluster.start(r);
        case PAUSE -> cluster.resume(r);
        case PARTITION -> cluster.heal(r);
        case BYZANTINE, CLOCK -> {
          cluster.kill(r);
          cluster.start(r);
        }
        case DISK_FULL -> {
          cluster.drainDisk(r);
          if (!cluster.alive(r)) {
            say("replica " + r + " stopped on the full disk (see " + cluster.log(r) + "); starting it again");
            cluster.start(r);
          }
        }
      }
    }
    synchronized (this) {
      healedAt.put(f.index(), now());
    }
    say("heal   #" + f.index() + " " + f.kind().label() + " on " + f.replicas());
    recovering.addAll(f.replicas());
    Thread watch = new Thread(() -> {
      try {
        if (f.kind() != FaultSchedule.Kind.PAUSE && f.kind() != FaultSchedule.Kind.PARTITION) {
          awaitUp(f);
        }
        awaitCaughtUp(f);
      } catch (InterruptedException | IOException e) {
        sayWhileWatching("stopped watching replicas " + f.replicas() + " recover: " + e);
      } finally {
        f.replicas().forEach(recovering::remove);
      }
    }, "nemesis-recovery-" + f.index());
    watch.setDaemon(true);
    watch.start();
  }

  /**
   * Before a new fault: a healed replica counts as faulty until it has recovered (see
   * {@link #awaitUp} and {@link #awaitCaughtUp}), so the fault waits until its replicas are back and,
   * with them, no more than f are faulty; heals never wait, so other faults end on time.
   */
  private void awaitRoomFor(Fault f) throws InterruptedException {
    int tolerated = (cluster.n() - 1) / 3;
    long began = System.nanoTime();
    while (System.nanoTime() - began < TimeUnit.MINUTES.toNanos(3)) {
      boolean free = f.replicas().stream().noneMatch(recovering::contains);
      if (free && faultyNow() + recovering.size() + f.replicas().size() <= tolerated) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Replicas of faults injected and not yet healed. */
  private synchronized int faultyNow() {
    int count = 0;
    for (Fault x : schedule) {
      if (injectedAt.containsKey(x.index()) && !healedAt.containsKey(x.index())) {
        count += x.replicas().size();
      }
    }
    return count;
  }

  /**
   * A healed replica counts as faulty until it has executed as far as the others had at its heal
   * (a paused or cut-off one has missed agreement, a wiped one needs a state transfer): only then
   * can the next fault take another replica. Gives up after 60 s (the others may be stalled).
   */
  private void awaitCaughtUp(Fault f) throws InterruptedException {
    long began = System.nanoTime();
    for (int r : f.replicas()) {
      boolean caughtUp = cluster.awaitCaughtUp(r, 60_000);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      if (!caughtUp) {
        sayWhileWatching("replica " + r + " has not caught up within 60 s; going on");
      } else if (waited >= 1000) {
        sayWhileWatching("replica " + r + " caught up after " + waited + " ms");
      }
    }
  }

  /**
   * A restarted replica counts as faulty until its process is up: on a busy machine a JVM takes
   * seconds to start, and the next fault on another replica would otherwise find two down with
   * f = 1. When a wait makes the next action late, the rest of the schedule slips by as much.
   */
  private void awaitUp(Fault f) throws InterruptedException, IOException {
    long began = System.nanoTime();
    for (int r : f.replicas()) {
      boolean up = cluster.awaitRunning(r, 120_000);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      sayWhileWatching(up ? "replica " + r + " up after " + waited + " ms"
          : "replica " + r + " did not come up within 120 s; see " + cluster.log(r));
    }
  }

  private long now() {
    return System.nanoTime() - startNanos;
  }

  private void sayWhileWatching(String what) {
    if (watching) {
      say(what);
    }
  }

  private void say(String what) {
    synchronized (out) {
      out.printf("%7.1f s  %s%n", now() / 1e9, what);
      out.flush();
    }
  }

  /** The faults injected so far, in schedule order. */
  synchronized List<Injected> injected() {
    List<Injected> list = new ArrayList<>();
    for (Fault f : schedule) {
      Long at = injectedAt.get(f.index());
      if (at != null) {
        list.add(new Injected(f, at, healedAt.getOrDefault(f.index(), -1L)));
      }
    }
    return list;
  }
}
