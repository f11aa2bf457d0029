package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import java.util.HashSet;
import java.util.Set;

/**
 * The distinct clients of the last two batches this replica executed: the primary's estimate of how
 * many requests are about to come back. Closed-loop clients whose batch just executed send their
 * next request a reply's round trip later; a primary that cut the next batch the moment its
 * pipeline drained would leave them for the batch after, and the load would settle into two
 * half-size cohorts that alternate (at 30 clients here: batches of ~15, each paying a whole
 * batch's votes, signatures and fsyncs). Two batches, so the cohort left behind is still counted.
 */
final class RecentBatchClients {
  private Set<Integer> previous = Set.of();
  private Set<Integer> last = Set.of();
  private int count;

  void executed(Batch batch) {
    Set<Integer> clients = new HashSet<>();
    for (Request r : batch.requests()) {
      clients.add(r.clientId());
    }
    previous = last;
    last = clients;
    Set<Integer> both = new HashSet<>(previous);
    both.addAll(last);
    count = both.size();
  }

  /** Distinct clients over the last two executed batches. */
  int count() {
    return count;
  }
}
