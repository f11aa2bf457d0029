package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.DropReason;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.protocol.TimerId;
import dev.bft.core.sim.AppendOnlyService;
import dev.bft.crypto.Digest;
import dev.bft.crypto.VerificationTally;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the protocol core drops shows in {@code bft_dropped_total{reason}}, every reason from the start. */
class DropMetricsTest {
  /** An Effects that carries nothing out: the test looks only at the drops. */
  private static final class NoEffects implements Effects {
    @Override public void send(int replica, ReplicaMessage message) { }
    @Override public void broadcast(ReplicaMessage message) { }
    @Override public void reply(Reply reply) { }
    @Override public void forward(int replica, Request request) { }
    @Override public void persist(LogRecord record) { }
    @Override public void setTimer(TimerId timer, long ticks) { }
    @Override public void cancelTimer(TimerId timer) { }
    @Override public void executed(long sequence, Batch batch) { }
    @Override public void checkpointTaken(long sequence, Digest digest, ClientTable clients) { }
    @Override public void fetchState(long sequence, Digest digest) { }
  }

  private static ReplicaMetrics metrics() {
    return new ReplicaMetrics(2, Map::of, () -> 0, new VerificationTally());
  }

  /** The value of one series on a scraped page, or -1 if the page lacks it. */
  private static double sample(String page, String series) {
    for (String line : page.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static String series(DropReason reason) {
    return "bft_dropped_total{reason=\"" + reason.name() + "\",replica=\"2\"}";
  }

  @Test
  void everyDropReasonIsExportedAtZeroBeforeAnyDrop() {
    try (ReplicaMetrics m = metrics()) {
      String page = m.scrape();
      for (DropReason reason : DropReason.values()) {
        assertThat(sample(page, series(reason))).as(reason.name()).isEqualTo(0.0);
      }
    }
  }

  @Test
  void aDropInTheCoreIsCountedByItsReason() {
    Replica replica = new Replica(new ReplicaConfig(Quorum.ofReplicas(4), 2, 4, 5, 2, 4, 8, 100),
        new AppendOnlyService(), new NoEffects());
    Batch batch = Batch.of(List.of(Request.unsigned(1000, 1, false, new byte[] {1})), 7);
    replica.onMessage(new PrePrepare(0, 1, batch, 3, null)); // a backup posing as the primary of view 0
    replica.onMessage(new PrePrepare(0, 2, batch, 1, null)); // another
    replica.onMessage(new Prepare(6, 1, batch.digest(), 1, null)); // a view this replica is not in
    try (ReplicaMetrics m = metrics()) {
      m.dropped(replica.drops());
      String page = m.scrape();
      assertThat(sample(page, series(DropReason.NOT_FROM_PRIMARY))).isEqualTo(2.0);
      assertThat(sample(page, series(DropReason.WRONG_VIEW))).isEqualTo(1.0);
      assertThat(sample(page, series(DropReason.DUPLICATE))).isEqualTo(0.0);
      assertThat(m.dropped(DropReason.NOT_FROM_PRIMARY)).isEqualTo(2);
      // The page moves with the core's counters: one more drop shows after the next publication.
      replica.onMessage(new PrePrepare(0, 3, batch, 1, null));
      m.dropped(replica.drops());
      assertThat(sample(m.scrape(), series(DropReason.NOT_FROM_PRIMARY))).isEqualTo(3.0);
    }
  }
}
