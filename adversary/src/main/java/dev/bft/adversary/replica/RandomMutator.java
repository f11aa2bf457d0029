package dev.bft.adversary.replica;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random Byzantine behaviour in the spirit of ByzzFuzz: each message a faulty replica sends is, with
 * some probability, dropped, duplicated, sent to another replica, or mutated in its own name (another
 * digest, view or sequence number; a PRE-PREPARE with its batch reordered). Seeded, so a failing
 * campaign seed replays.
 */
public final class RandomMutator implements OutboundFilter {
  private final SplittableRandom random;
  private final double rate;
  private final int replicas;

  public RandomMutator(long seed, double rate, int replicas) {
    this.random = new SplittableRandom(seed);
    this.rate = rate;
    this.replicas = replicas;
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage m, long now) {
    if (random.nextDouble() >= rate) {
      return List.of(new Outbound(to, m));
    }
    switch (random.nextInt(5)) {
      case 0:
        return List.of();
      case 1:
        return List.of(new Outbound(to, m), new Outbound(to, m));
      case 2:
        return List.of(new Outbound(random.nextInt(replicas), m));
      default:
        return List.of(new Outbound(to, mutate(self, m)));
    }
  }

  private ReplicaMessage mutate(int self, ReplicaMessage m) {
    long dv = random.nextInt(3) - 1;
    long ds = random.nextInt(3) - 1;
    if (m instanceof Prepare p) {
      return new Prepare(Math.max(0, p.view() + dv), Math.max(1, p.sequence() + ds), random.nextBoolean() ? p.digest() : digest(), self, null);
    } else if (m instanceof Commit c) {
      return new Commit(Math.max(0, c.view() + dv), Math.max(1, c.sequence() + ds), random.nextBoolean() ? c.digest() : digest(), self, null);
    } else if (m instanceof Checkpoint c) {
      return new Checkpoint(c.sequence(), digest(), self, null);
    } else if (m instanceof PrePrepare pp) {
      List<dev.bft.core.message.Request> reordered = new ArrayList<>(pp.batch().requests());
      Collections.shuffle(reordered, new java.util.Random(random.nextLong()));
      return new PrePrepare(pp.view(), pp.sequence(), Batch.of(reordered, pp.batch().timestamp() + random.nextInt(3)), self, null);
    }
    return m;
  }

  private Digest digest() {
    byte[] b = new byte[Digest.SIZE];
    random.nextBytes(b);
    return Digest.of(b);
  }
}
