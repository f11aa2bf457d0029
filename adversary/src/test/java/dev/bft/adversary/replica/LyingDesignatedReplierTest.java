package dev.bft.adversary.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.Reply;
import dev.bft.core.sim.KvWorkload;
import dev.bft.core.sim.NetworkFaults;
import dev.bft.core.sim.SimSeeds;
import dev.bft.core.sim.Simulation;
import dev.bft.core.sim.SnapshottingKv;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Digest replies (docs/protocol.md, Clients) against f Byzantine replicas, with every result above
 * one byte sent in full by its designated replica only (reply.digest.bytes = 1) and half the gets
 * read-only. {@link WrongReplier}: "a designated replier that sends a wrong result in full, and
 * wrong digests otherwise, cannot make a client accept a wrong result": the client takes only a
 * result f + 1 (2f + 1) replicas vouch for by digest, and the retransmission brings the true one.
 * {@link SilentReplica}: "a designated replier that never answers cannot stall a client": the
 * retransmission has every correct replica answer in full. {@link StaleReader}: stale read-only
 * answers, by digest or in full, leave the history linearizable.
 */
class LyingDesignatedReplierTest {

  @Test
  void aDesignatedReplierLyingInFullCannotMakeAClientAcceptItsResult() {
    long lies = attack("wrong replier", WrongReplier::new, 96_000);
    assertThat(lies).as("the liars sent wrong results in full as designated repliers").isPositive();
  }

  @Test
  void aSilentDesignatedReplierCannotStallAClient() {
    attack("silent replier", SilentReplica::new, 96_500);
  }

  @Test
  void staleReadOnlyAnswersByDigestOrInFullLeaveTheHistoryLinearizable() {
    attack("stale reader", StaleReader::new, 96_800);
  }

  /** Runs the behaviour at f replicas of n = 4 and 7; returns how many full results they sent to clients. */
  private static long attack(String name, Supplier<OutboundFilter> behaviour, long firstSeed) {
    long[] fullFromByzantine = {0};
    for (int n : new int[] {4, 7}) {
      int f = (n - 1) / 3;
      SimSeeds.seeds(firstSeed + n, 3).forEach(seed -> {
        KvWorkload workload = new KvWorkload(3, 50);
        Simulation.Options options = Simulation.Options.of(seed, n, SnapshottingKv::new, workload);
        Simulation sim = new Simulation(options.withReplicaConfig(options.replicaConfig().withReplyDigestBytes(1))
            .withFaults(new NetworkFaults(0.01, 0.01, 1, 10)).withLoad(5, 50));
        for (int k = 0; k < f; k++) {
          sim.makeByzantine(n - 1 - k, behaviour.get());
        }
        long[] byDigest = {0};
        sim.loseMessages((from, to, message) -> {
          if (to < 0 && message instanceof Reply r) {
            if (r.digestOnly()) {
              byDigest[0]++;
            } else if (from >= n - f && r.result().length > 1) {
              fullFromByzantine[0]++;
            }
          }
          return false; // counts, loses nothing
        });
        System.out.println("[adversary] " + name + ", results by digest, n=" + n + " seed=" + seed
            + " (replay: -Dsim.seed=" + seed + ")");
        Simulation.Result r = sim.run();
        assertThat(r.allCompleted()).as("%s, n=%d, seed %d: liveness\n%s", name, n, seed, sim.describe()).isTrue();
        assertThat(byDigest[0]).as("results went by digest").isPositive();
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(workload.finish().events());
        assertThat(lin.linearizable()).as("%s, n=%d, seed %d: %s", name, n, seed, lin.explanation()).isTrue();
      });
    }
    return fullFromByzantine[0];
  }
}
