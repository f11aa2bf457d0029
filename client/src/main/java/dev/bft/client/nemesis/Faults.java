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
 * </ul>
 */
final class Faults {
  /** A fault as it happened: nanoseconds since the run started; {@code healed} is -1 until it is. */
  record Injected(Fault fault, long injected, long healed) {}

  private final NemesisCluster cluster;
  private final List<Fault> schedule;
  private final long startNanos;
  private final PrintWriter out;
  private final Map<Integer, Long> injectedAt = new HashMap<>();
  private final Map<Integer, Long> healedAt = new HashMap<>();

  Faults(NemesisCluster cluster, List<Fault> schedule, long startNanos, PrintWriter out) {
    this.cluster = cluster;
    this.schedule = schedule;
    this.startNanos = startNanos;
    this.out = out;
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
      long wait = a.atMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      if (wait > 0) {
        Thread.sleep(wait);
      }
      if (a.inject()) {
        inject(a.fault());
      } else {
        heal(a.fault());
      }
    }
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
        case DISK_FULL -> throw new IllegalStateException("disk-full faults are not supported");
      }
    }
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
        case DISK_FULL -> { }
      }
    }
    synchronized (this) {
      healedAt.put(f.index(), now());
    }
    say("heal   #" + f.index() + " " + f.kind().label() + " on " + f.replicas());
  }

  private long now() {
    return System.nanoTime() - startNanos;
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
