package dev.bft.core.sim;

import dev.bft.core.message.Message;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Replica;
import dev.bft.core.runtime.Checkpoints;
import dev.bft.core.runtime.DurableLog;
import dev.bft.core.runtime.DurableRecords;
import dev.bft.core.runtime.ReplicaShell;
import dev.bft.core.runtime.Transport;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.storage.StorageException;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One incarnation of a replica's production shell inside the simulation: only sockets, threads and
 * the disk's timing are replaced. Frames go over the simulated network, the lanes are drained by
 * the event queue, timers are events, and storage is the replica's LMDB environment, which may
 * lose power in the middle of a commit. A crash ends the incarnation; the restart builds a new one
 * over the same environment, as a process restart does.
 */
final class SimShell implements ReplicaShell.Host, Checkpoints {
  private final Simulation sim;
  private final SimReplica node;
  private final ShellOptions options;
  private boolean alive = true;
  /** Set when the simulated disk lost power, so the commit stage's storage failure reads as a crash, not a bug. */
  private boolean powerLost;
  /**
   * The production quarantine on the virtual clock: a client whose frame fails its checks is
   * refused by this incarnation for a while (in memory, as in a process). The period is shorter
   * than a process's 10 s because a simulated run lasts seconds.
   */
  private final dev.bft.core.runtime.ClientQuarantine quarantine;
  /** Frames refused because their client was quarantined. */
  long refusedWhileQuarantined;
  final ReplicaShell shell;
  private final ReplicaShell.Inbox inbox;
  private boolean verifying;

  /** @param replica builds the replica over the shell's effects (fresh, or recovered from storage) */
  SimShell(Simulation sim, SimReplica node, DurableLog durable, SplittableRandom faults,
           Function<Effects, Replica> replica) {
    this.sim = sim;
    this.node = node;
    this.options = sim.options().shell();
    SimSigning signing = sim.signing();
    this.quarantine = new dev.bft.core.runtime.ClientQuarantine(1_000, () -> sim.now() * 1_000_000L);
    ReplicaShell.Io io = new ReplicaShell.Io(new Frames(), new SimClock(sim, () -> alive), new SimLanes(sim.queue(), () -> alive),
        new PowerLoss(durable, faults));
    this.shell = new ReplicaShell(node.id, sim.quorum(), node.replica.config().checkpointInterval(),
        signing.replicaEncoders[node.id], signing.decoder, io, this, this, options.parts(), null, replica);
    this.inbox = shell.inbox();
  }

  /**
   * A frame from {@code from}'s link: queued for verification as the process's I/O threads queue
   * it, and verified in groups by an event at this instant (the frames arriving meanwhile join it).
   */
  void receive(int from, byte[] frame) {
    if (!inbox.offer(from, frame)) {
      refused(dev.bft.core.runtime.ShellRefusal.VERIFY_QUEUE_FULL.name());
      if (!sim.quorum().isReplica(from)) {
        quarantine(from, "more frames queued than the verification bound");
      }
      return;
    }
    if (!verifying) {
      verifying = true;
      sim.queue().at(sim.now(), () -> {
        verifying = false;
        boolean more = true;
        while (alive && more) {
          more = inbox.verifyNextGroup();
        }
      });
    }
  }

  /** The process died: nothing queued on its lanes or armed on its timers runs any more. */
  void kill() {
    alive = false;
    shell.stop(0);
  }

  boolean alive() {
    return alive;
  }

  // ---------------------------------------------------------------- ReplicaShell.Host

  @Override
  public void refused(String reason) {
    sim.trace("refused", node.id, reason);
  }

  @Override
  public void quarantine(int client, String why) {
    long millis = quarantine.quarantine(client);
    if (millis > 0) {
      sim.trace("quarantine", node.id, client + " for " + millis + ": " + why);
    }
  }

  /** What a client's link does before anything is verified: a quarantined client's frames are dropped. */
  boolean admits(int client) {
    if (quarantine.refuses(client)) {
      refusedWhileQuarantined++;
      return false;
    }
    return true;
  }

  @Override
  public void stateTransfer(int peer, Message message) {
    // The simulator transfers state between its nodes directly (SimReplica.fetchState).
  }

  @Override
  public void failed(String part, Throwable cause) {
    if (cause instanceof StorageException && powerLost) {
      sim.trace("power-loss", node.id, part);
      node.crash();
      sim.queue().at(sim.now() + options.restartAfter(), node::restart);
      return;
    }
    if (cause instanceof Error e) {
      throw e; // an invariant violation, or a bug: the run stops with it
    }
    throw new IllegalStateException("replica " + node.id + ": its " + part + " failed", cause);
  }

  // ---------------------------------------------------------------- Checkpoints

  @Override
  public StateSnapshot snapshot() {
    return node.rawService.snapshot();
  }

  @Override
  public void hold(long sequence, StateSnapshot snapshot, ClientTable clients) {
    node.states.hold(sequence, snapshot, clients);
  }

  @Override
  public void stable(long sequence) {
    // SimReplica drops older snapshots when it sees the StableCheckpoint record.
  }

  @Override
  public void fetch(long sequence, Digest digest) {
    node.states.fetchFromPeers(sequence, digest);
  }

  // ---------------------------------------------------------------- I/O

  /** The simulated network, carrying the shell's signed frames; what leaves is what the checkers see. */
  private final class Frames implements Transport {
    @Override
    public void toReplica(int to, byte[] frame) {
      if (!alive || to == node.id) {
        return;
      }
      DecodeResult sent = sim.signing().decoder.decode(frame);
      if (sent.accepted() && sent.message() instanceof ReplicaMessage m) {
        sim.left(node.id, m);
      }
      sim.network().carry(node.id, to, frame, f -> sim.replica(to).receiveFrame(node.id, f));
    }

    @Override
    public void toClient(int client, byte[] frame) {
      SimClient target = sim.client(client);
      if (!alive || target == null) {
        return;
      }
      DecodeResult r = sim.signing().decoder.decode(frame, node.id);
      if (r.accepted() && r.message() instanceof Reply reply) {
        sim.network().carry(node.id, -1, reply, target::receive);
      }
    }

    @Override
    public void flush() {
      // The simulated network carries each frame as it is written.
    }
  }

  /** The replica's LMDB log, which with the configured chance loses power in the middle of a commit. */
  private final class PowerLoss implements DurableRecords {
    private final DurableLog log;
    private final SplittableRandom random;

    PowerLoss(DurableLog log, SplittableRandom random) {
      this.log = log;
      this.random = random;
    }

    @Override
    public void add(LogRecord record) {
      log.add(record);
    }

    @Override
    public void addState(long sequence, StateSnapshot snapshot, ClientTable clients) {
      log.addState(sequence, snapshot, clients);
    }

    @Override
    public void commit() {
      if (sim.now() < options.crashesUntil() && random.nextDouble() < options.crashPerCommit()) {
        log.discardUncommitted();
        powerLost = true;
        throw new StorageException("replica " + node.id + " lost power in the middle of a commit (simulated)");
      }
      log.commit();
    }

    @Override
    public void discardUncommitted() {
      log.discardUncommitted();
    }
  }
}
