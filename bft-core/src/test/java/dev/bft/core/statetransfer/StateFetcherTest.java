package dev.bft.core.statetransfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class StateFetcherTest {
  static final int PIECE = ServedState.PIECE_BYTES;

  static byte[] content(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return b;
  }

  /** A client table of {@code clients} entries, each with a short result. */
  static ClientTable table(int clients) {
    ByteBuffer b = ByteBuffer.allocate(4 + clients * 19).putInt(clients);
    for (int c = 0; c < clients; c++) {
      b.putInt(1000 + c).putLong(c + 1).putInt(3).put(new byte[] {1, 2, (byte) c});
    }
    return ClientTable.decode(b.array(), 0, 1);
  }

  static Digest proven(ArrayService state, ClientTable clients) {
    return StateDigests.checkpoint(MerkleTree.root(state.chunkDigests()), clients);
  }

  static FakePeers peers(ArrayService mine, ArrayService theirs, ClientTable clients) {
    return new FakePeers(mine, theirs.snapshot(), clients);
  }

  @Test
  void aFreshReplicaFetchesEveryChunkAndTheClientTable() {
    ArrayService theirs = new ArrayService(1024);
    for (int c = 0; c < 1024; c++) {
      theirs.set(c, content(c % 50 + 1, c));
    }
    ClientTable clients = table(3);
    ArrayService mine = new ArrayService(1024);
    FakePeers p = peers(mine, theirs, clients).run(proven(theirs, clients));
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
    assertThat(p.installed.encode()).isEqualTo(clients.encode());
    assertThat(mine.installs).isEqualTo(1);
    // 10 levels: the top 2 in manifest page 0, then 4 node pages of 8 levels to the leaves
    assertThat(p.count(FakePeers.Ask::node)).isEqualTo(4);
    assertThat(p.count(FakePeers.Ask::piece)).isEqualTo(1024);
    assertThat(p.stats.transfers).isEqualTo(1);
    assertThat(p.fetcher.active()).isFalse();
  }

  @Test
  void aReplicaThatDiffersInOneChunkOf65536AsksForTheTreePathAndThatChunkOnly() {
    ArrayService theirs = new ArrayService(65536);
    ArrayService mine = new ArrayService(65536);
    for (int c = 0; c < 65536; c += 97) {
      theirs.set(c, content(20, c));
      mine.set(c, content(20, c));
    }
    theirs.set(40_000, content(300, 1));
    ClientTable clients = table(2);
    FakePeers p = peers(mine, theirs, clients).run(proven(theirs, clients));
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
    // 16 levels in pages of 8, the top page in manifest page 0: one node page, not the 65 536 leaves
    assertThat(p.count(FakePeers.Ask::node)).isEqualTo(1);
    assertThat(p.asks.stream().filter(FakePeers.Ask::piece).map(a -> ((FetchState.Piece) a.ask()).chunk()))
        .containsExactly(40_000);
    assertThat(p.asks).hasSize(3); // and page 0 of the manifest
    long bytes = p.answerSizes.stream().mapToLong(Integer::longValue).sum();
    System.out.println("[transfer] 1 differing chunk of 65536: " + p.asks.size() + " requests, " + bytes
        + " bytes answered (" + p.stats + ")");
    assertThat(bytes).as("page 0 and a node page of 256 digests each, the chunk").isLessThan(2 * 256 * 32 + 1024);
  }

  @Test
  void aPeerWhoseSubtreeDoesNotHashUpIsAvoidedAndTheNodeAskedOfAnother() {
    ArrayService theirs = new ArrayService(1024);
    for (int c = 0; c < 1024; c += 3) {
      theirs.set(c, content(10, c));
    }
    ClientTable clients = table(1);
    ArrayService mine = new ArrayService(1024);
    FakePeers p = peers(mine, theirs, clients);
    p.liars.put(2, (ask, honest) -> {
      if (honest instanceof StateChunk.NodePage n) {
        Digest[] wrong = n.digests().clone();
        wrong[0] = Digest.sha256(new byte[] {7});
        return new StateChunk.NodePage(n.level(), n.index(), n.depth(), wrong);
      }
      return honest;
    });
    p.run(proven(theirs, clients));
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
    assertThat(p.stats.badNodePages).as("each page it was asked before the first lie was caught").isPositive();
    assertThat(p.asks.subList(p.asksBeforeFirstLieCaught, p.asks.size())).extracting(FakePeers.Ask::peer)
        .doesNotContain(2, 0);
  }

  /** Four chunks of 2.5 MiB, each three pieces, every one fetched: each peer serves some. */
  private static FakePeers largeChunks(ArrayService mine, BiFunction<FetchState.Ask, StateChunk.Answer, StateChunk.Answer> liar) {
    ArrayService theirs = new ArrayService(4);
    for (int c = 0; c < 4; c++) {
      theirs.set(c, content(5 * PIECE / 2, c));
    }
    ClientTable clients = table(1);
    FakePeers p = peers(mine, theirs, clients);
    p.liars.put(1, liar);
    p.run(proven(theirs, clients));
    assertThat(p.installedAt).as("the transfer completed from the others").isEqualTo(FakePeers.SEQUENCE);
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
    assertThat(p.stats.badChunks).as("the lie was caught").isPositive();
    assertThat(p.asks.subList(p.asksBeforeFirstLieCaught, p.asks.size())).extracting(FakePeers.Ask::peer)
        .as("the liar is not asked again").doesNotContain(1);
    assertThat(mine.discarded).as("the spoilt receivers were discarded").isPositive();
    return p;
  }

  @Test
  void aPeerSendingAWrongPieceIsAvoided() {
    largeChunks(new ArrayService(4), (ask, honest) -> {
      if (honest instanceof StateChunk.Piece piece && !piece.last()) {
        byte[] wrong = piece.bytes().clone();
        wrong[wrong.length / 2] ^= 1;
        return new StateChunk.Piece(piece.chunk(), piece.position(), wrong, piece.next());
      }
      return honest;
    });
  }

  @Test
  void aPeerGivingALyingNextPositionIsAvoided() {
    largeChunks(new ArrayService(4), (ask, honest) -> {
      if (honest instanceof StateChunk.Piece piece && !piece.last()) {
        byte[] lie = piece.next().clone();
        lie[7] ^= 1; // one byte further on: the receiver misses a byte
        return new StateChunk.Piece(piece.chunk(), piece.position(), piece.bytes(), lie);
      }
      return honest;
    });
  }

  @Test
  void aPeerServingAnEndlessChunkIsAvoided() {
    byte[] madeUp = ByteBuffer.allocate(8).putLong(Long.MAX_VALUE).array();
    largeChunks(new ArrayService(4), (ask, honest) -> {
      if (honest instanceof StateChunk.Piece piece && piece.last()) {
        return new StateChunk.Piece(piece.chunk(), piece.position(), piece.bytes(), madeUp);
      }
      if (honest == null && ask instanceof FetchState.Piece more) {
        return new StateChunk.Piece(more.chunk(), more.position(), new byte[64], madeUp);
      }
      return honest;
    });
  }

  @Test
  void aPeerThatKeepsAChunkOpenWithEmptyPiecesIsAvoided() {
    largeChunks(new ArrayService(4), (ask, honest) -> {
      if (honest instanceof StateChunk.Piece piece && piece.position().length == 8) {
        return new StateChunk.Piece(piece.chunk(), piece.position(), new byte[0], piece.position());
      }
      return honest;
    });
  }

  @Test
  void aChunkLargerThanOnePieceStreamsInSeveralInOrder() {
    ArrayService theirs = new ArrayService(16);
    theirs.set(5, content(5 * PIECE / 2 + 3, 9)).set(6, content(10, 1));
    ClientTable clients = table(1);
    ArrayService mine = new ArrayService(16);
    FakePeers p = peers(mine, theirs, clients).run(proven(theirs, clients));
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(mine.chunk(5)).isEqualTo(theirs.chunk(5));
    List<byte[]> positions = p.asks.stream().filter(FakePeers.Ask::piece).map(a -> (FetchState.Piece) a.ask())
        .filter(a -> a.chunk() == 5).map(FetchState.Piece::position).toList();
    assertThat(positions).hasSize(3);
    assertThat(positions.get(0)).isEmpty();
    assertThat(ByteBuffer.wrap(positions.get(1)).getLong()).isEqualTo(PIECE);
    assertThat(ByteBuffer.wrap(positions.get(2)).getLong()).isEqualTo(2L * PIECE);
    assertThat(p.answerSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(PIECE + 16));
    assertThat(mine.receivers).as("one receiver per chunk").isEqualTo(2);
  }

  @Test
  void anAnswerLostOnTheWayIsAskedForAgainAfterAWholePeriod() {
    ArrayService theirs = new ArrayService(16);
    theirs.set(5, content(3 * PIECE / 2, 9));
    ClientTable clients = table(1);
    ArrayService mine = new ArrayService(16);
    FakePeers p = peers(mine, theirs, clients);
    int[] lost = {0};
    p.lose = a -> a.piece() && ((FetchState.Piece) a.ask()).position().length == 8 && lost[0]++ == 0;
    p.run(proven(theirs, clients));
    assertThat(p.installedAt).as("the second piece was lost").isEqualTo(-1);
    long pieces = p.count(FakePeers.Ask::piece);
    p.fetcher.onRetryTimer();
    assertThat(p.count(FakePeers.Ask::piece)).as("not yet: it was asked this period").isEqualTo(pieces);
    p.fetcher.onRetryTimer();
    assertThat(p.count(FakePeers.Ask::piece)).isEqualTo(pieces + 1);
    FakePeers.Ask again = p.asks.get(p.asks.size() - 1);
    assertThat(((FetchState.Piece) again.ask()).position()).as("the same position")
        .isEqualTo(((FetchState.Piece) p.asks.get(p.asks.size() - 2).ask()).position());
    p.deliver();
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(mine.chunk(5)).isEqualTo(theirs.chunk(5));
    assertThat(p.stats.badAnswers()).isZero();
  }

  @Test
  void duplicatedAnswersAreNotTakenForLies() {
    ArrayService theirs = new ArrayService(64);
    for (int c = 0; c < 64; c += 5) {
      theirs.set(c, content(c == 10 ? 2 * PIECE + 1 : 40, c));
    }
    ClientTable clients = table(2);
    ArrayService mine = new ArrayService(64);
    FakePeers p = peers(mine, theirs, clients);
    p.duplicate = true;
    p.run(proven(theirs, clients));
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(p.stats.badAnswers()).isZero();
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
  }

  /** The replica executes on while it fetches: nothing lands before the end, and a chunk execution moved is fetched too. */
  @Test
  void aChunkThatExecutionMovesDuringTheTransferIsFetchedTooAndAllInstalledAtTheEnd() {
    ArrayService theirs = new ArrayService(16);
    ArrayService mine = new ArrayService(16);
    for (int c = 0; c < 16; c++) {
      theirs.set(c, content(30, c));
      mine.set(c, content(30, c));
    }
    theirs.set(3, content(30, 99));
    ClientTable clients = table(1);
    FakePeers p = peers(mine, theirs, clients);
    p.fetcher.start(FakePeers.SEQUENCE, proven(theirs, clients));
    while (p.count(FakePeers.Ask::piece) == 0 && p.step()) {
      // until the walk found chunk 3
    }
    Digest[] before = mine.chunkDigests();
    mine.set(9, content(30, 1234)); // execution moves chunk 9, which matched the checkpoint
    assertThat(mine.chunkDigests()[3]).as("nothing installed while chunks are missing").isEqualTo(before[3]);
    p.deliver();
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(p.asks.stream().filter(FakePeers.Ask::piece).map(a -> ((FetchState.Piece) a.ask()).chunk()))
        .containsExactly(3, 9);
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
  }

  @Test
  void nothingIsInstalledWhenTheReplicaNoLongerWantsTheCheckpoint() {
    ArrayService theirs = new ArrayService(16);
    theirs.set(2, content(100, 2)).set(7, content(PIECE + 5, 7));
    ClientTable clients = table(1);
    ArrayService mine = new ArrayService(16);
    FakePeers p = peers(mine, theirs, clients);
    p.wanted = false; // it executed up to the checkpoint meanwhile
    p.run(proven(theirs, clients));
    assertThat(p.installedAt).isEqualTo(-1);
    assertThat(mine.installs).isZero();
    assertThat(mine.discarded).as("every receiver discarded").isEqualTo(mine.receivers).isEqualTo(2);
    assertThat(p.fetcher.active()).isFalse();
  }

  @Test
  void aNewerTargetDiscardsTheReceiversOfTheOlderOne() {
    ArrayService theirs = new ArrayService(16);
    for (int c = 0; c < 16; c++) {
      theirs.set(c, content(PIECE + c, c));
    }
    ClientTable clients = table(1);
    ArrayService mine = new ArrayService(16);
    FakePeers p = peers(mine, theirs, clients);
    p.fetcher.start(FakePeers.SEQUENCE, proven(theirs, clients));
    for (int i = 0; i < 12; i++) {
      p.step();
    }
    assertThat(mine.receivers).isPositive();
    p.fetcher.start(FakePeers.SEQUENCE * 2, proven(theirs, clients));
    assertThat(mine.discarded).isEqualTo(mine.receivers);
    p.deliver();
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE * 2);
    assertThat(mine.chunkDigests()).isEqualTo(theirs.chunkDigests());
  }

  @Test
  void aManifestThatDoesNotProveTheCheckpointIsRefusedAndAskedOfAnother() {
    ArrayService theirs = new ArrayService(16);
    theirs.set(1, content(10, 1));
    ClientTable clients = table(2);
    ArrayService mine = new ArrayService(16);
    FakePeers p = peers(mine, theirs, clients);
    p.liars.put(1, (ask, honest) -> {
      if (honest instanceof StateChunk.ManifestPage m) {
        byte[] wrong = m.bytes().clone();
        wrong[0] ^= 1; // another root
        return new StateChunk.ManifestPage(m.page(), wrong);
      }
      return honest;
    });
    p.run(proven(theirs, clients));
    assertThat(p.stats.badManifests).isEqualTo(1);
    assertThat(p.asks.get(0).peer()).isEqualTo(1);
    assertThat(p.asks.get(1)).isEqualTo(new FakePeers.Ask(2, new FetchState.ManifestPage(0)));
    assertThat(p.installedAt).isEqualTo(FakePeers.SEQUENCE);
    assertThat(Arrays.equals(p.installed.encode(), clients.encode())).isTrue();
  }
}
