package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Signer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Serving state transfer to a Byzantine fetcher: each answer costs this replica a signature and up
 * to a piece of 1 MiB on the wire, so a peer that floods valid FETCHes for a checkpoint this replica
 * holds is cut off at its byte budget ({@code FETCH_OVER_BUDGET}) while the other peers are still
 * served, and a peer whose link takes nothing more gets nothing signed for it at all.
 */
class StateTransferServingTest {
  static final long CHECKPOINT = 128;
  /** The first piece of the 5 MiB bucket: every answer to it is a full piece. */
  static final FetchState.Piece FULL_PIECE = new FetchState.Piece(7, new byte[0]);

  long now = 5_000_000_000L;
  final AtomicInteger signatures = new AtomicInteger();
  final Channel[] links = new Channel[4];
  final List<Integer> servedTo = new ArrayList<>();
  final List<String> refusals = new ArrayList<>();
  final StateTransferShell shell;

  StateTransferServingTest() {
    Ed25519KeyPair key = Ed25519KeyPair.forTesting(0);
    Signer counting = (domain, message, off, len) -> {
      signatures.incrementAndGet();
      return key.sign(domain, message, off, len);
    };
    for (int i = 1; i < 4; i++) {
      links[i] = new EmbeddedChannel();
    }
    shell = new StateTransferShell(0, 4, new MessageEncoder(0, counting), peer -> links[peer],
        (channel, frame) -> servedTo.add(java.util.Arrays.asList(links).indexOf(channel)), refusals::add, () -> now);
    shell.hold(CHECKPOINT, LargeStateTransferTest.oneFullBucket().snapshot(), new ClientTable());
  }

  @AfterEach
  void close() {
    shell.close();
  }

  private static FetchState fetch(int peer) {
    return new FetchState(CHECKPOINT, FULL_PIECE, peer, null);
  }

  private long served(int peer) {
    return servedTo.stream().filter(p -> p == peer).count();
  }

  @Test
  void aPeerFloodingValidFetchesIsCutOffAtItsBudgetWhileTheOthersAreServed() {
    for (int i = 0; i < 200; i++) {
      shell.serve(1, fetch(1));
    }
    long burst = StateTransferShell.BURST_BYTES / (1 << 20);
    assertThat(served(1)).as("full pieces served to the flooder from a burst of %d MiB", burst)
        .isBetween(burst - 2, burst);
    assertThat(refusals).as("the rest refused, unsigned").hasSize(200 - (int) served(1))
        .containsOnly(ShellRefusal.FETCH_OVER_BUDGET.name());
    assertThat(signatures.get()).as("signatures made for it").isEqualTo((int) served(1));

    shell.serve(2, fetch(2));
    shell.serve(3, fetch(3));
    assertThat(served(2)).as("another peer, meanwhile").isEqualTo(1);
    assertThat(served(3)).isEqualTo(1);

    now += 1_000_000_000L; // a second: the budget refills (to the burst)
    servedTo.clear();
    for (int i = 0; i < 200; i++) {
      shell.serve(1, fetch(1));
    }
    assertThat(served(1)).as("served again a second later, and no more than the burst").isBetween(burst - 2, burst);
  }

  @Test
  void aPeerWhoseLinkTakesNothingMoreGetsNothingSignedAndSpendsNoBudget() {
    EmbeddedChannel full = (EmbeddedChannel) links[1];
    full.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    full.write(Unpooled.wrappedBuffer(new byte[64])); // written, never flushed: the peer does not read
    assertThat(full.isWritable()).isFalse();
    for (int i = 0; i < 100; i++) {
      shell.serve(1, fetch(1));
    }
    assertThat(signatures.get()).as("answers signed for a link that cannot take them").isZero();
    assertThat(servedTo).isEmpty();
    assertThat(refusals).as("not its fault to count: the link is just full").isEmpty();

    full.flush();
    full.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
    assertThat(full.isWritable()).isTrue();
    shell.serve(1, fetch(1));
    assertThat(served(1)).as("served once it reads again, from a budget it had not spent").isEqualTo(1);
  }

  @Test
  void aFetchForACheckpointNotHeldCostsNothing() {
    for (int i = 0; i < 100; i++) {
      shell.serve(1, new FetchState(CHECKPOINT + 128, FULL_PIECE, 1, null));
    }
    assertThat(signatures.get()).isZero();
    assertThat(servedTo).isEmpty();
  }
}
