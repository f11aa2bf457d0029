package dev.bft.core.client;

import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One client identity with one request outstanding at a time (PBFT's client model: request numbers
 * strictly increase, and the replicas' client table remembers only the last one).
 *
 * <p>An ordered request completes on f + 1 matching replies from distinct replicas: at least one of
 * them is correct. A read-only request needs 2f + 1 (docs/protocol.md, Clients); if they do not
 * agree before the timeout, it is re-issued as an ordered request under a new number.
 *
 * <p>The view the client sends to is one that f + 1 replicas vouch for: the highest view that at
 * least f + 1 replicas have reported reaching in their replies, so one faulty replica cannot name a
 * view whose primary is itself (or nobody) and make every request wait out a retransmission.
 */
public final class ClientCore {
  private final int clientId;
  private final Quorum quorum;
  private final long retransmitTicks;
  private final ClientEffects effects;
  private long readOnlyFallbacks;

  private long nextRequestNumber;
  private long view;
  /** The highest view each replica has reported in a reply (a reply reaches the core only once its signature verified). */
  private final long[] reportedViews;
  private Request outstanding;
  private final Map<Integer, Reply> replies = new HashMap<>();
  private int retransmissions;

  public ClientCore(int clientId, Quorum quorum, long retransmitTicks, long firstRequestNumber, ClientEffects effects) {
    this.clientId = clientId;
    this.quorum = quorum;
    this.retransmitTicks = retransmitTicks;
    this.effects = effects;
    this.nextRequestNumber = firstRequestNumber;
    this.reportedViews = new long[quorum.n()];
  }

  /** Sends a new request; returns its number. Only one may be outstanding. */
  public long invoke(byte[] operation, boolean readOnly) {
    if (outstanding != null) {
      throw new IllegalStateException("client " + clientId + " already waits for request " + outstanding.requestNumber());
    }
    outstanding = Request.unsigned(clientId, nextRequestNumber++, readOnly, operation);
    replies.clear();
    retransmissions = 0;
    if (readOnly) {
      effects.sendToAll(outstanding);
    } else {
      effects.send(quorum.primary(view), outstanding);
    }
    effects.setTimer(retransmitTicks);
    return outstanding.requestNumber();
  }

  /**
   * Whether {@code reply} could still count towards the outstanding request: the shell checks a
   * reply's signature only when it could, so replies beyond the f + 1 (or 2f + 1) needed cost nothing.
   */
  public boolean wants(Reply reply) {
    return outstanding != null && reply.clientId() == clientId && reply.requestNumber() == outstanding.requestNumber()
        && quorum.isReplica(reply.sender()) && !replies.containsKey(reply.sender());
  }

  public void onReply(Reply reply) {
    if (!wants(reply)) {
      return;
    }
    replies.put(reply.sender(), reply);
    noteView(reply.sender(), reply.view());
    if (reply.refusal()) {
      onRefusal();
      return;
    }
    int needed = outstanding.readOnly() ? quorum.certificate() : quorum.weak();
    int matching = 0;
    for (Reply r : replies.values()) {
      if (!r.refusal() && Arrays.equals(r.result(), reply.result())) {
        matching++;
      }
    }
    if (matching >= needed) {
      long done = outstanding.requestNumber();
      outstanding = null;
      replies.clear();
      effects.cancelTimer();
      effects.completed(done, reply.result());
    }
  }

  /**
   * f + 1 refusals as stale: at least one correct replica has executed a later request of this
   * identity, so this one never executes. Numbering resumes past the (f + 1)-th highest later
   * number reported (one a correct replica vouches for: f liars cannot push it towards overflow),
   * so this client's next request is not refused too.
   */
  private void onRefusal() {
    long[] later = replies.values().stream().filter(Reply::refusal).mapToLong(Reply::laterExecuted).sorted().toArray();
    if (later.length < quorum.weak()) {
      return;
    }
    long vouched = later[later.length - quorum.weak()];
    long refused = outstanding.requestNumber();
    nextRequestNumber = Math.max(nextRequestNumber, vouched + 1);
    outstanding = null;
    replies.clear();
    effects.cancelTimer();
    effects.refused(refused, vouched);
  }

  /**
   * Gives up on the outstanding request (its deadline passed): the next one gets a higher number,
   * which supersedes it, so it executes before that one or never.
   */
  public void abandon() {
    if (outstanding != null) {
      outstanding = null;
      replies.clear();
      effects.cancelTimer();
    }
  }

  /** What the outstanding request has heard so far, for a client that gives up on it. */
  public String progress() {
    if (outstanding == null) {
      return "nothing outstanding";
    }
    Map<String, Integer> counts = new HashMap<>();
    for (Reply r : replies.values()) {
      counts.merge(r.refusal() ? "refusal" : java.util.HexFormat.of().formatHex(r.result()), 1, Integer::sum);
    }
    int best = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int needed = outstanding.readOnly() ? quorum.certificate() : quorum.weak();
    return replies.size() + " repl" + (replies.size() == 1 ? "y" : "ies") + " from replicas " + new java.util.TreeSet<>(replies.keySet())
        + ", at most " + best + " matching of the " + needed + " needed, after " + retransmissions + " retransmission"
        + (retransmissions == 1 ? "" : "s");
  }

  /**
   * Adopts the (f + 1)-th highest of the replicas' reported views: at least one correct replica has
   * reached it, and the f highest reports, which may all be lies, cannot raise it.
   */
  private void noteView(int replica, long reported) {
    if (reported <= reportedViews[replica]) {
      return;
    }
    reportedViews[replica] = reported;
    long[] sorted = reportedViews.clone();
    Arrays.sort(sorted);
    view = Math.max(view, sorted[sorted.length - quorum.weak()]);
  }

  public void onTimer() {
    if (outstanding == null) {
      return;
    }
    retransmissions++;
    if (outstanding.readOnly()) {
      readOnlyFallbacks++;
      outstanding = Request.unsigned(clientId, nextRequestNumber++, false, outstanding.operation());
      replies.clear();
    }
    effects.sendToAll(outstanding);
    effects.setTimer(retransmitTicks);
  }

  public boolean busy() {
    return outstanding != null;
  }

  public int clientId() {
    return clientId;
  }

  public long view() {
    return view;
  }

  public int retransmissions() {
    return retransmissions;
  }

  /** Read-only requests whose 2f + 1 matching replies did not come in time, re-issued as ordered ones. */
  public long readOnlyFallbacks() {
    return readOnlyFallbacks;
  }
}
