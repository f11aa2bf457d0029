package dev.bft.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Quorum;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** f + 1 matching replies complete a request; the shell asks {@code wants} before it checks a reply's signature. */
class ClientCoreTest {
  final List<Long> completed = new ArrayList<>();
  final ClientCore core = new ClientCore(1000, Quorum.ofReplicas(4), 300, 1, new ClientEffects() {
    @Override
    public void send(int replica, Request request) {}

    @Override
    public void sendToAll(Request request) {}

    @Override
    public void setTimer(long ticks) {}

    @Override
    public void cancelTimer() {}

    @Override
    public void completed(long requestNumber, byte[] result) {
      completed.add(requestNumber);
    }
  });

  private static Reply reply(long t, int from, int result) {
    return new Reply(0, 1000, t, new byte[] {(byte) result}, from, null);
  }

  @Test
  void onlyRepliesThatCanStillCountAreWanted() {
    long t = core.invoke(new byte[] {1}, false);
    assertThat(core.wants(reply(t, 1, 7))).isTrue();
    assertThat(core.wants(reply(t + 1, 1, 7))).as("another request number").isFalse();
    assertThat(core.wants(new Reply(0, 1001, t, new byte[] {7}, 1, null))).as("another client's").isFalse();
    assertThat(core.wants(reply(t, 4, 7))).as("not a replica").isFalse();
    core.onReply(reply(t, 1, 7));
    assertThat(core.wants(reply(t, 1, 7))).as("that replica already answered").isFalse();
    assertThat(core.wants(reply(t, 2, 7))).isTrue();
    core.onReply(reply(t, 2, 7));
    assertThat(completed).containsExactly(t);
    assertThat(core.wants(reply(t, 3, 7))).as("completed: the rest are surplus").isFalse();
  }

  @Test
  void aReplicaCannotCountTwiceOrOutvoteWithDifferentResults() {
    long t = core.invoke(new byte[] {1}, false);
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 1, 7));
    core.onReply(reply(t, 2, 8));
    assertThat(completed).as("one reply twice and a mismatching one are not f + 1").isEmpty();
    core.onReply(reply(t, 3, 8));
    assertThat(completed).containsExactly(t);
  }
}
