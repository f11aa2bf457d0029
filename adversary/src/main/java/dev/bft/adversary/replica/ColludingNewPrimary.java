package dev.bft.adversary.replica;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Ed25519KeyPair;
import java.util.List;

/**
 * Two colluders at f >= 2: a new primary whose NEW-VIEW is right in every view, sequence and
 * digest, but whose re-issued PRE-PREPAREs carry the signature of a colluding replica (whose key
 * it holds) instead of its own. Such a PRE-PREPARE is validly signed, so only a check of its signer
 * against the new primary refuses it; without that check a backup installs the view, and the slot's
 * certificate can never form (issue 22, item 10). What must hold: backups refuse the NEW-VIEW and
 * move on to the next view, which serves.
 */
public final class ColludingNewPrimary implements OutboundFilter {
  private final int colluder;
  private final MessageEncoder colluderSigns;
  private long announced = -1;

  public ColludingNewPrimary(int colluder, Ed25519KeyPair colluderKey) {
    this.colluder = colluder;
    this.colluderSigns = new MessageEncoder(colluder, colluderKey);
  }

  @Override
  public List<Outbound> toReplica(int self, int to, ReplicaMessage message, long now) {
    if (message instanceof NewView nv && !nv.prePrepares().isEmpty()) {
      List<PrePrepare> resigned = nv.prePrepares().stream().map(this::signedByColluder).toList();
      if (announced != nv.view()) {
        announced = nv.view(); // a demo line, and what a test reads to know the attack was made
        System.out.println("colluding-new-view: NEW-VIEW " + nv.view() + " re-issues " + resigned.size()
            + " PRE-PREPAREs signed by replica " + colluder);
      }
      return List.of(new Outbound(to, new NewView(nv.view(), nv.viewChanges(), resigned, self, null)));
    }
    return List.of(new Outbound(to, message));
  }

  private PrePrepare signedByColluder(PrePrepare pp) {
    PrePrepare unsigned = new PrePrepare(pp.view(), pp.sequence(), pp.digest(), pp.batch(), colluder, null);
    return new PrePrepare(pp.view(), pp.sequence(), pp.digest(), pp.batch(), colluder, colluderSigns.sign(unsigned));
  }
}
