package dev.bft.core.statetransfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvSnapshot;
import dev.bft.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateFetcherTest {
  static final ExecutionContext CTX = new ExecutionContext(1000, 1, 1, 0);

  record Ask(String what, int peer, int index) {}

  final List<Ask> asks = new ArrayList<>();
  long installedAt = -1;
  boolean wanted = true;
  final TransferStats stats = new TransferStats();
  final KeyValueService mine = new KeyValueService(16, 64, 64);
  final StateFetcher fetcher = new StateFetcher(0, 4, mine, new FetchEffects() {
    @Override
    public void requestManifest(int peer, long sequence) {
      asks.add(new Ask("manifest", peer, -1));
    }

    @Override
    public void requestChunk(int peer, long sequence, int index) {
      asks.add(new Ask("chunk", peer, index));
    }

    @Override
    public void setRetryTimer(long ticks) {}

    @Override
    public boolean wanted(long sequence) {
      return wanted;
    }

    @Override
    public void installed(long sequence, ClientTable clients) {
      installedAt = sequence;
    }
  }, stats);

  static void put(KeyValueService kv, String k, String v) {
    kv.execute(new KvOperation.Put(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)).encode(), CTX);
  }

  @Test
  void fetchesOnlyWhatDiffersRejectsLiesAndAvoidsTheLiar() {
    KeyValueService theirs = new KeyValueService(16, 64, 64);
    for (int i = 0; i < 40; i++) {
      put(theirs, "k" + i, "v");
      put(mine, "k" + i, "v");
    }
    put(theirs, "k3", "changed");
    put(theirs, "new", "x");
    KvSnapshot snap = theirs.snapshot();
    ClientTable clients = new ClientTable();
    Digest proven = StateDigests.checkpoint(snap.root(), clients);

    fetcher.start(128, proven);
    assertThat(asks).containsExactly(new Ask("manifest", 1, -1));
    Digest[] lying = snap.chunkDigests();
    lying[0] = Digest.ZERO;
    fetcher.onManifest(1, 128, lying, clients);
    assertThat(stats.badManifests).isEqualTo(1);
    assertThat(asks).last().isEqualTo(new Ask("manifest", 2, -1));

    asks.clear();
    fetcher.onManifest(2, 128, snap.chunkDigests(), clients);
    List<Integer> requested = asks.stream().map(Ask::index).toList();
    assertThat(requested).as("only the two buckets that differ").hasSizeBetween(1, 2);
    assertThat(asks).extracting(Ask::peer).doesNotContain(1, 0);

    Ask first = asks.get(0);
    byte[] corrupt = new dev.bft.core.service.SnapshotPieces(snap).piece(first.index()).clone();
    corrupt[corrupt.length - 1] ^= 1;
    asks.clear();
    fetcher.onChunk(first.peer(), 128, first.index(), corrupt);
    assertThat(stats.badChunks).isEqualTo(1);
    assertThat(asks).singleElement().satisfies(a -> {
      assertThat(a.index()).isEqualTo(first.index());
      assertThat(a.peer()).isNotEqualTo(first.peer()).isNotEqualTo(1);
    });
    for (int index : requested) {
      fetcher.onChunk(3, 128, index, new dev.bft.core.service.SnapshotPieces(snap).piece(index));
    }
    assertThat(installedAt).isEqualTo(128);
    assertThat(mine.stateDigest()).isEqualTo(snap.root());
    assertThat(stats.transfers).isEqualTo(1);
  }

  /** The replica executes on while it fetches: a chunk must not land in its service before the end. */
  @Test
  void chunksAreInstalledTogetherAtTheEndAndAChunkExecutionChangedIsFetchedToo() {
    KeyValueService theirs = new KeyValueService(16, 64, 64);
    for (int i = 0; i < 6; i++) { // some of the 16 buckets stay empty
      put(theirs, "k" + i, "v" + i);
    }
    KvSnapshot snap = theirs.snapshot();
    dev.bft.core.service.SnapshotPieces pieces = new dev.bft.core.service.SnapshotPieces(snap);
    fetcher.start(64, StateDigests.checkpoint(snap.root(), new ClientTable()));
    fetcher.onManifest(1, 64, snap.chunkDigests(), new ClientTable());
    List<Integer> requested = asks.stream().filter(a -> a.what().equals("chunk")).map(Ask::index).toList();
    Digest before = mine.stateDigest();
    for (int index : requested.subList(0, requested.size() - 1)) {
      fetcher.onChunk(2, 64, index, pieces.piece(index));
    }
    assertThat(mine.stateDigest()).as("nothing installed while chunks are missing").isEqualTo(before);

    // execution moves a chunk that matched the checkpoint (empty in both) away from it
    put(mine, keyOutside(requested), "x");
    asks.clear();
    int last = requested.get(requested.size() - 1);
    fetcher.onChunk(2, 64, last, pieces.piece(last));
    assertThat(installedAt).as("not done: a chunk changed since the manifest").isEqualTo(-1);
    List<Integer> again = asks.stream().map(Ask::index).toList();
    assertThat(again).isNotEmpty();
    for (int index : again) {
      fetcher.onChunk(3, 64, index, pieces.piece(index));
    }
    assertThat(installedAt).isEqualTo(64);
    assertThat(mine.stateDigest()).isEqualTo(snap.root());
  }

  /** A key of a bucket not among {@code buckets}. */
  static String keyOutside(List<Integer> buckets) {
    for (int i = 0; i < 10_000; i++) {
      KeyValueService probe = new KeyValueService(16, 64, 64);
      Digest[] empty = probe.chunkDigests();
      put(probe, "x" + i, "x");
      Digest[] after = probe.chunkDigests();
      for (int b = 0; b < after.length; b++) {
        if (!after[b].equals(empty[b]) && !buckets.contains(b)) {
          return "x" + i;
        }
      }
    }
    throw new IllegalStateException("every bucket is among " + buckets);
  }

  @Test
  void nothingIsInstalledWhenTheReplicaNoLongerWantsTheCheckpoint() {
    KeyValueService theirs = new KeyValueService(16, 64, 64);
    put(theirs, "a", "1");
    KvSnapshot snap = theirs.snapshot();
    fetcher.start(8, StateDigests.checkpoint(snap.root(), new ClientTable()));
    fetcher.onManifest(1, 8, snap.chunkDigests(), new ClientTable());
    Digest before = mine.stateDigest();
    wanted = false; // it executed up to 8 meanwhile
    for (Ask a : List.copyOf(asks)) {
      if (a.what().equals("chunk")) {
        fetcher.onChunk(2, 8, a.index(), new dev.bft.core.service.SnapshotPieces(snap).piece(a.index()));
      }
    }
    assertThat(installedAt).isEqualTo(-1);
    assertThat(mine.stateDigest()).isEqualTo(before);
    assertThat(fetcher.active()).isFalse();
  }

  @Test
  void unansweredRequestsAreAskedAgainAfterAWholePeriod() {
    KeyValueService theirs = new KeyValueService(16, 64, 64);
    put(theirs, "a", "1");
    KvSnapshot snap = theirs.snapshot();
    fetcher.start(8, StateDigests.checkpoint(snap.root(), new ClientTable()));
    fetcher.onManifest(1, 8, snap.chunkDigests(), new ClientTable());
    long chunkAsks = asks.stream().filter(a -> a.what().equals("chunk")).count();
    fetcher.onRetryTimer();
    assertThat(asks.stream().filter(a -> a.what().equals("chunk")).count()).as("not yet").isEqualTo(chunkAsks);
    fetcher.onRetryTimer();
    assertThat(asks.stream().filter(a -> a.what().equals("chunk")).count()).isEqualTo(2 * chunkAsks);
  }
}
