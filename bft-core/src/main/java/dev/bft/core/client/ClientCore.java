package dev.bft.core.client;

import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import dev.bft.crypto.Digest;
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
 * <p>Replies match by the digest of the result they stand for: a large result comes in full from
 * one designated replica and by digest from the others. A request completes when enough replicas
 * agree on a digest <em>and</em> a result with that digest is in hand; a result whose digest the
 * quorum does not share counts only as its sender's vote, never as the answer. If the result
 * itself does not come, the retransmission after the timeout has every replica that executed the
 * request answer in full, and a full reply is wanted from a replica that sent only a digest.
 * A read-only request cannot wait for that (replicas answer a repeated read by digest again):
 * when 2f + 1 replicas agree on a digest and its result has not come after a short wait, a
 * fraction of the timeout, the read is asked again under the next request number, whose
 * designated replier is the next replica, and a full result with the agreed digest completes it
 * (docs/protocol.md, Clients).
 *
 * <p>The view the client sends to is one that f + 1 replicas vouch for: the highest view that at
 * least f + 1 replicas have reported reaching in their replies, so one faulty replica cannot name a
 * view whose primary is itself (or nobody) and make every request wait out a retransmission.
 */
public final class ClientCore {
  private final int clientId;
  private final Quorum quorum;
  private final long retransmitTicks;
  /** How long a read whose 2f + 1 digests agree waits for its result before asking again. */
  private final long resultWaitTicks;
  private final ClientEffects effects;
  private long readOnlyFallbacks;

  private long nextRequestNumber;
  private long view;
  /** The highest view each replica has reported in a reply (a reply reaches the core only once its signature verified). */
  private final long[] reportedViews;
  private Request outstanding;
  /** At most one reply per replica: its first, or its full result after a digest (see {@link #wants}). */
  private final Map<Integer, Heard> replies = new HashMap<>();
  private int retransmissions;
  /**
   * The digest 2f + 1 replicas agreed on for the outstanding read (this attempt or an earlier one)
   * whose result did not come: a full result with this digest is the answer, from any replica.
   */
  private Digest agreed;
  /** Whether the timer armed is the short wait for {@link #agreed}'s result rather than the retransmission's. */
  private boolean awaitingResult;
  /** Times the outstanding read was asked again for its result: at most f (see {@link #askForResult}). */
  private int reasks;
  private boolean fact;
  private long readOnlyReasks;

  public ClientCore(int clientId, Quorum quorum, long retransmitTicks, long firstRequestNumber, ClientEffects effects) {
    this.clientId = clientId;
    this.quorum = quorum;
    this.retransmitTicks = retransmitTicks;
    // A large result trails its digests by its transfer time, so a little longer than a round trip
    // is normal; an eighth of the timeout is still far below it.
    this.resultWaitTicks = Math.max(1, retransmitTicks / 8);
    this.effects = effects;
    this.nextRequestNumber = firstRequestNumber;
    this.reportedViews = new long[quorum.n()];
  }

  /**
   * Sends a read-only request for an answer that, once any correct replica gives it, never changes
   * (where an epoch started): f + 1 matching replies hold a correct one, so they suffice, and it is
   * never ordered, since the replicas that could order it may be the ones still to be started.
   */
  public long invokeFact(byte[] operation) {
    long number = invoke(operation, true);
    fact = true;
    return number;
  }

  /** Sends a new request; returns its number. Only one may be outstanding. */
  public long invoke(byte[] operation, boolean readOnly) {
    return issue(nextRequestNumber, operation, readOnly, false);
  }

  /**
   * Sends again, to every replica of a new epoch, the request this identity had outstanding in the
   * previous one, under the same number: if the old epoch executed it, the client table the new
   * replicas started from answers it with the result it had; if not, it executes now. Either way
   * it executes once. Later requests are numbered after it.
   */
  public long resume(long requestNumber, byte[] operation, boolean readOnly) {
    if (requestNumber < nextRequestNumber - 1) {
      throw new IllegalArgumentException("client " + clientId + " resumes request " + requestNumber
          + " after numbering up to " + (nextRequestNumber - 1));
    }
    return issue(requestNumber, operation, readOnly, true);
  }

  private long issue(long number, byte[] operation, boolean readOnly, boolean toAll) {
    if (outstanding != null) {
      throw new IllegalStateException("client " + clientId + " already waits for request " + outstanding.requestNumber());
    }
    nextRequestNumber = number + 1;
    outstanding = Request.unsigned(clientId, number, readOnly, operation);
    replies.clear();
    retransmissions = 0;
    fact = false;
    agreed = null;
    awaitingResult = false;
    reasks = 0;
    if (readOnly || toAll) {
      effects.sendToAll(outstanding);
    } else {
      effects.send(quorum.primary(view), outstanding);
    }
    effects.setTimer(retransmitTicks);
    return outstanding.requestNumber();
  }

  /** A replica's reply with the digest of the result it stands for (null for a refusal), computed once. */
  private record Heard(Reply reply, Digest digest) {
    boolean vouchesFor(Digest d) {
      return digest != null && digest.equals(d);
    }
  }

  /**
   * Whether {@code reply} could still count towards the outstanding request: the shell checks a
   * reply's signature only when it could, so replies beyond the f + 1 (or 2f + 1) needed cost nothing.
   * A replica's first reply is wanted, and after a digest its full result once (what the
   * retransmission asks for), so a replica costs at most two signature checks per request.
   */
  public boolean wants(Reply reply) {
    if (outstanding == null || reply.clientId() != clientId || reply.requestNumber() != outstanding.requestNumber()
        || !quorum.isReplica(reply.sender())) {
      return false;
    }
    Heard held = replies.get(reply.sender());
    return held == null || (held.reply().digestOnly() && !reply.digestOnly() && !reply.refusal());
  }

  public void onReply(Reply reply) {
    if (!wants(reply)) {
      return;
    }
    Heard heard = new Heard(reply, reply.refusal() ? null : reply.digestOfResult());
    replies.put(reply.sender(), heard);
    noteView(reply.sender(), reply.view());
    if (reply.refusal()) {
      onRefusal();
      return;
    }
    // Only the group this reply joined can have become complete: a full result replacing its
    // sender's digest moves one vote at most, and only into this group.
    int needed = needed();
    int matching = 0;
    byte[] result = null;
    for (Heard h : replies.values()) {
      if (h.vouchesFor(heard.digest())) {
        matching++;
        if (!h.reply().digestOnly()) {
          result = h.reply().result();
        }
      }
    }
    if ((matching >= needed || heard.vouchesFor(agreed)) && result != null) {
      long done = outstanding.requestNumber();
      end();
      effects.completed(done, result);
    } else if (matching >= needed && outstanding.readOnly() && !awaitingResult && reasks < quorum.f()) {
      agreed = heard.digest();
      awaitingResult = true;
      effects.setTimer(resultWaitTicks);
    }
  }

  private int needed() {
    return outstanding.readOnly() && !fact ? quorum.certificate() : quorum.weak();
  }

  /** The outstanding request is over, one way or another: nothing more is sent or waited for it. */
  private void end() {
    outstanding = null;
    replies.clear();
    awaitingResult = false;
    effects.cancelTimer();
  }

  /**
   * f + 1 refusals as stale: at least one correct replica has executed a later request of this
   * identity, so this one never executes. Numbering resumes past the (f + 1)-th highest later
   * number reported (one a correct replica vouches for: f liars cannot push it towards overflow),
   * so this client's next request is not refused too.
   */
  private void onRefusal() {
    long[] later = replies.values().stream().map(Heard::reply).filter(Reply::refusal).mapToLong(Reply::laterExecuted)
        .sorted().toArray();
    if (later.length < quorum.weak()) {
      return;
    }
    long vouched = later[later.length - quorum.weak()];
    long refused = outstanding.requestNumber();
    nextRequestNumber = Math.max(nextRequestNumber, vouched + 1);
    end();
    effects.refused(refused, vouched);
  }

  /**
   * Gives up on the outstanding request (its deadline passed): the next one gets a higher number,
   * which supersedes it, so it executes before that one or never.
   */
  public void abandon() {
    if (outstanding != null) {
      end();
    }
  }

  /** What the outstanding request has heard so far, for a client that gives up on it. */
  public String progress() {
    if (outstanding == null) {
      return "nothing outstanding";
    }
    // Refusals agree with each other (keyed by the string), results by their digest.
    Map<Object, Integer> counts = new HashMap<>();
    java.util.Set<Object> inHand = new java.util.HashSet<>();
    for (Heard h : replies.values()) {
      Object key = h.digest() == null ? "refusal" : h.digest();
      counts.merge(key, 1, Integer::sum);
      if (!h.reply().digestOnly()) {
        inHand.add(key);
      }
    }
    Map.Entry<Object, Integer> best = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
    int needed = needed();
    return replies.size() + " repl" + (replies.size() == 1 ? "y" : "ies") + " from replicas " + new java.util.TreeSet<>(replies.keySet())
        + ", at most " + (best == null ? 0 : best.getValue()) + " matching of the " + needed + " needed"
        + (best != null && !inHand.contains(best.getKey()) ? " (only by digest: the result itself not received)" : "")
        + ", after " + retransmissions + " retransmission" + (retransmissions == 1 ? "" : "s");
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
    if (awaitingResult) {
      askForResult();
      return;
    }
    retransmissions++;
    if (outstanding.readOnly() && !fact) {
      readOnlyFallbacks++;
      outstanding = Request.unsigned(clientId, nextRequestNumber++, false, outstanding.operation());
      replies.clear();
      // The ordered path stands on its own f + 1, not on what a read agreed on.
      agreed = null;
    }
    effects.sendToAll(outstanding);
    effects.setTimer(retransmitTicks);
  }

  /**
   * 2f + 1 replicas agreed on a read's result digest but its designated replier did not send the
   * result: asks again under the next number, whose designated replier is the next replica. A
   * replica answers a repeated read by digest again, so a new number is the only way to have
   * another one send it in full; one full reply then crosses, not n. The designated repliers of
   * f + 1 consecutive numbers are f + 1 replicas, one of them correct, hence at most f times.
   */
  private void askForResult() {
    awaitingResult = false;
    reasks++;
    readOnlyReasks++;
    outstanding = Request.unsigned(clientId, nextRequestNumber++, true, outstanding.operation());
    replies.clear();
    effects.sendToAll(outstanding);
    effects.setTimer(retransmitTicks);
  }

  public boolean busy() {
    return outstanding != null;
  }

  /** The request outstanding now (a read may have gone on under a later number than it began with), or null. */
  public Request outstanding() {
    return outstanding;
  }

  /** The number the next request will carry: every number below it may be in the replicas' client table. */
  public long nextRequestNumber() {
    return nextRequestNumber;
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

  /** Times a read whose 2f + 1 digests agreed was asked again for its result (see {@link #askForResult}). */
  public long readOnlyReasks() {
    return readOnlyReasks;
  }
}
