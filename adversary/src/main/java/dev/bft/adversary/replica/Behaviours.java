package dev.bft.adversary.replica;

import dev.bft.core.cli.ByzantineBehaviour;
import dev.bft.core.byzantine.OutboundFilter;
import java.util.function.BiFunction;

/** The behaviours a real replica can be told to play with {@code bin/bft replica --byzantine NAME}. */
public final class Behaviours {
  private Behaviours() {}

  private record Named(String name, String description, BiFunction<Integer, Integer, OutboundFilter> factory)
      implements ByzantineBehaviour {
    @Override
    public OutboundFilter create(int replica, int n) {
      return factory.apply(replica, n);
    }
  }

  public static final class Equivocate implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("equivocate",
        "as primary, send odd replicas a different batch for each sequence number", (id, n) -> new EquivocatingPrimary());

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class ViewLie implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("view-lie",
        "right results, but every reply names a far view whose primary is this replica", (id, n) -> new ViewLiar(n));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class ThreadFailure implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("thread-failure",
        "fail the protocol thread with an Error after 200 messages (tests that the replica stops)", (id, n) -> new FailingThread(200));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Lie implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("lie",
        "vote (PREPARE, COMMIT, CHECKPOINT) for random digests", (id, n) -> new LyingBackup(id));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class WrongReplies implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("wrong-replies",
        "tell clients a wrong result for every request", (id, n) -> new WrongReplier());

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Replay implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("replay",
        "re-send old messages of earlier views and sequence numbers", (id, n) -> new Replayer(id, n));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Flood implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("flood",
        "add 50 far-future, future-view and junk messages to every message sent", (id, n) -> new Flooder(id));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Forge implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("forge",
        "add 10 votes signed with a wrong key to every vote and PRE-PREPARE sent", (id, n) -> new Forger(id, 10));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Silent implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("silent", "send nothing at all", (id, n) -> new SilentReplica());

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Slow implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("slow",
        "as primary, hold every PRE-PREPARE back for 1.5 s (just under the default 2 s view-change timeout)",
        (id, n) -> new SlowPrimary(1500));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class Selective implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("selective",
        "talk only to the replica after this one, ignore the others",
        (id, n) -> new SelectivelySilent(java.util.Set.of((id + 1) % n)));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class StaleViewChange implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("stale-view-change",
        "send VIEW-CHANGEs without prepared certificates or checkpoint", (id, n) -> new StaleViewChanger());

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class LyingNewView implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("lying-new-view",
        "as a new primary, re-propose the null request where a prepared batch belongs", (id, n) -> new LyingNewPrimary());

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class SkewedTimestamp implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("skewed-timestamp",
        "as primary, stamp every batch one hour ahead of this replica's clock (backups refuse it and change view)",
        (id, n) -> new SkewedTimestampPrimary(3_600_000));

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class StaleReads implements ByzantineBehaviour {
    private final ByzantineBehaviour b = new Named("stale-reads",
        "answer ordered requests truly but every read-only request with what the same read returned before (a wrong result the first time)",
        (id, n) -> new StaleReader());

    public String name() { return b.name(); }
    public String description() { return b.description(); }
    public OutboundFilter create(int replica, int n) { return b.create(replica, n); }
  }

  public static final class ColludingNewView implements ByzantineBehaviour {
    public String name() { return "colluding-new-view"; }
    public String description() {
      return "as a new primary, re-sign the NEW-VIEW's PRE-PREPAREs with the key of the replica named by --colluder";
    }
    public boolean needsColluder() { return true; }
    public OutboundFilter create(int replica, int n) {
      throw new IllegalArgumentException("--byzantine colluding-new-view needs --colluder ID");
    }
    public OutboundFilter create(int replica, int n, Colluder colluder) {
      return new ColludingNewPrimary(colluder.id(), colluder.key());
    }
  }
}
