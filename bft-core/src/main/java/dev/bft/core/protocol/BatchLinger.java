package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether the primary holds a partial batch once its pipeline has drained, and for how long.
 *
 * <p>Closed-loop clients whose batch just executed send their next request a reply's round trip
 * later; a primary that cut the next batch the moment its pipeline drained would leave them for
 * the batch after, and the load would settle into two half-size cohorts that alternate (at 30
 * clients here: batches of ~15, each paying a whole batch's votes, signatures and fsyncs). So the
 * primary may wait, at most the linger, while fewer requests are pending than distinct clients
 * were in the last two executed batches (two, so the cohort left behind is still counted).
 *
 * <p>Waiting only pays when those clients do come back. Clients that arrive on their own schedule
 * (an open-loop load, clients thinking between requests) make every wait a pure delay, so each
 * wait is judged when its batch closes: it paid if the batch filled or at least half of the
 * requests it waited for came. After a wait that did not pay, that many drained batches close at once before the next
 * wait is tried, and the number doubles with every further miss (up to {@value #MOST_SKIPPED}); a
 * wait that pays ends the back-off.
 */
final class BatchLinger {
  static final int MOST_SKIPPED = 64;

  private final long lingerTicks;
  private Set<Integer> previous = new TreeSet<>();
  private Set<Integer> last = new TreeSet<>();
  private int recentClients;
  /** Pending requests when the open wait began; -1: no wait open. */
  private int pendingAtStart = -1;
  private int expectedAtStart;
  private int skipsLeft;
  private int nextSkip = 1;
  private long waits;
  private long unpaidWaits;

  BatchLinger(long lingerTicks) {
    this.lingerTicks = lingerTicks;
  }

  void executed(Batch batch) {
    Set<Integer> clients = new TreeSet<>();
    for (Request r : batch.requests()) {
      clients.add(r.clientId());
    }
    previous = last;
    last = clients;
    Set<Integer> both = new TreeSet<>(previous);
    both.addAll(last);
    recentClients = both.size();
  }

  /** Ticks a partial batch of {@code pending} requests may wait with nothing in flight; 0: close it now. */
  long hold(int pending) {
    if (lingerTicks == 0 || pending >= recentClients) {
      return 0;
    }
    if (pendingAtStart < 0) {
      if (skipsLeft > 0) {
        return 0;
      }
      pendingAtStart = pending;
      expectedAtStart = recentClients;
      waits++;
    }
    return lingerTicks;
  }

  /** A batch closed with nothing in flight while {@code pending} requests waited (before it took them). */
  void closedDrained(int pending, boolean full) {
    if (pendingAtStart < 0) {
      if (skipsLeft > 0 && pending < recentClients) {
        skipsLeft--;
      }
      return;
    }
    boolean paid = full || 2 * (pending - pendingAtStart) >= expectedAtStart - pendingAtStart;
    pendingAtStart = -1;
    if (paid) {
      nextSkip = 1;
    } else {
      unpaidWaits++;
      skipsLeft = nextSkip;
      nextSkip = Math.min(MOST_SKIPPED, nextSkip * 2);
    }
  }

  /** A view change: an open wait is over without a verdict. */
  void abandon() {
    pendingAtStart = -1;
  }

  /** Distinct clients over the last two executed batches. */
  int recentClients() {
    return recentClients;
  }

  /** Waits begun, and those that did not pay (for the metrics and the tests). */
  long waits() {
    return waits;
  }

  long unpaidWaits() {
    return unpaidWaits;
  }
}
