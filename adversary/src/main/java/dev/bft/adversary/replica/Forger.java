package dev.bft.adversary.replica;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.WireForm;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A replica that sends, beside every vote or PRE-PREPARE, {@code copies} votes for the same view
 * and sequence number (other digests) signed with a key that is not its own. They pass every check
 * before the signature (right view, inside the window, not yet executed), so each costs the
 * receiver a signature check; in a verification group checked by one batch equation each would
 * make the whole batch fail and every peer's signatures be checked again one by one. What it
 * attacks: that receivers verify it alone once it forged (and throughput). In the simulator, which
 * checks no signatures, the copies are lies in its own name.
 */
public final class Forger implements OutboundFilter {
  private final int copies;
  private final SplittableRandom random;
  private final MessageEncoder wrongKey;

  public Forger(int self, int copies) {
    this.copies = copies;
    this.random = new SplittableRandom(self);
    this.wrongKey = new MessageEncoder(self, Ed25519KeyPair.forTesting(1_000_000L + self));
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    List<Outbound> out = new ArrayList<>(1 + copies);
    out.add(new Outbound(to, message));
    for (int i = 0; i < copies; i++) {
      ReplicaMessage forged = forge(self, message);
      if (forged == null) {
        break;
      }
      out.add(new Outbound(to, forged));
    }
    return out;
  }

  /** A vote alongside {@code m}, signed by the wrong key; null for messages it leaves alone. */
  private ReplicaMessage forge(int self, ReplicaMessage m) {
    Digest junk = junk();
    if (m instanceof Prepare p) {
      Prepare f = new Prepare(p.view(), p.sequence(), junk, self, null);
      return new Prepare(f.view(), f.sequence(), junk, self, wrongKey.sign(f));
    }
    if (m instanceof Commit c) {
      Commit f = new Commit(c.view(), c.sequence(), junk, self, null);
      return new Commit(f.view(), f.sequence(), junk, self, wrongKey.sign(f));
    }
    if (m instanceof PrePrepare pp) {
      Commit f = new Commit(pp.view(), pp.sequence(), junk, self, null);
      return new Commit(f.view(), f.sequence(), junk, self, wrongKey.sign(f));
    }
    if (m instanceof Checkpoint c) {
      Checkpoint f = new Checkpoint(c.sequence(), junk, self, null);
      return new Checkpoint(f.sequence(), junk, self, wrongKey.sign(f));
    }
    return null;
  }

  private Digest junk() {
    byte[] b = new byte[Digest.SIZE];
    random.nextBytes(b);
    return Digest.of(b);
  }
}
