package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvSnapshot;
import dev.bft.core.statetransfer.FakePeers;
import dev.bft.core.statetransfer.Manifests;
import dev.bft.core.statetransfer.ServedState;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A correct replica's state always transfers, however its keys hash and however many clients it
 * has: every STATE frame the runtime serves (a chunk piece, a node page or a manifest page, as
 * {@link ServedState} makes them) stays within the decoder's chunk limit, which drops anything
 * larger, and the lagging replica ends with the same state.
 */
class LargeStateTransferTest {
  static final ExecutionContext CTX = new ExecutionContext(1000, 1, 1, 0);
  static final int LIMIT = WireLimits.defaults().maxChunkBytes();
  static final int VALUE = KeyValueService.DEFAULT_MAX_VALUE;

  /** 80 keys whose FNV-1a hash lands in one of the 1 024 buckets: that bucket holds 5 MiB. */
  static KeyValueService oneFullBucket() {
    KeyValueService kv = new KeyValueService();
    byte[] value = new byte[VALUE];
    int found = 0;
    for (int i = 0; found < 80; i++) {
      byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
      if (fnv(key) % 1024 == 7) {
        Arrays.fill(value, (byte) found++);
        kv.execute(new KvOperation.Put(key, value).encode(), CTX);
      }
    }
    kv.execute(new KvOperation.Put("elsewhere".getBytes(StandardCharsets.UTF_8), new byte[] {1}).encode(), CTX);
    return kv;
  }

  static int fnv(byte[] key) {
    int h = 0x811C9DC5;
    for (byte b : key) {
      h = (h ^ (b & 0xFF)) * 0x01000193;
    }
    return h & 0x7fffffff;
  }

  /** Every client's last result 64 KiB long: {@code clients} of them. */
  static ClientTable tableOf(int clients) {
    ByteBuffer b = ByteBuffer.allocate(4 + clients * (16 + VALUE)).putInt(clients);
    for (int c = 0; c < clients; c++) {
      byte[] result = new byte[VALUE];
      Arrays.fill(result, (byte) c);
      b.putInt(100 + c).putLong(c + 1).putInt(VALUE).put(result);
    }
    return ClientTable.decode(b.array(), 0, 1);
  }

  /** A lagging replica fetching from peers that serve as the runtime does ({@link ServedState}). */
  static FakePeers transfer(KeyValueService mine, KvSnapshot served, ClientTable clients) {
    return new FakePeers(mine, served, clients).run(StateDigests.checkpoint(served.root(), clients));
  }

  @Test
  void aBucketOfFiveMebibytesTransfersInPiecesUnderTheFrameLimit() {
    KeyValueService theirs = oneFullBucket();
    KeyValueService mine = new KeyValueService();
    FakePeers t = transfer(mine, theirs.snapshot(), tableOf(2));
    assertThat(t.answerSizes).as("every STATE frame").allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(LIMIT));
    assertThat(t.installed).as("the transfer completed").isNotNull();
    assertThat(mine.stateDigest()).isEqualTo(theirs.stateDigest());
    assertThat(mine.size()).isEqualTo(81);
    long encoding = 8L + theirs.snapshot().chunk(7).length;
    assertThat(encoding).isGreaterThan(5L << 20);
    assertThat(t.count(FakePeers.Ask::piece)).as("the full bucket in 1 MiB pieces, the other in one")
        .isEqualTo((encoding + ServedState.PIECE_BYTES - 1) / ServedState.PIECE_BYTES + 1);
  }

  @Test
  void theManifestOfSeventyClientsWithLargeResultsFitsItsFirstPage() {
    ClientTable clients = tableOf(70);
    assertThat(clients.encode().length).as("the table alone").isGreaterThan(LIMIT);
    Digest[] widestTop = new Digest[Manifests.MAX_TOP];
    java.util.Arrays.fill(widestTop, Digest.ZERO);
    byte[] page = Manifests.page(widestTop, clients.encode(), 0);
    assertThat(page.length).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void aClientTableOverTheFrameLimitTransfersInManifestPages() {
    KeyValueService theirs = oneFullBucket();
    ClientTable clients = tableOf(70);
    KeyValueService mine = new KeyValueService();
    FakePeers t = transfer(mine, theirs.snapshot(), clients);
    assertThat(t.answerSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(LIMIT));
    assertThat(t.installed).as("the transfer completed").isNotNull();
    assertThat(t.installed.encode()).isEqualTo(clients.encode());
    assertThat(mine.stateDigest()).isEqualTo(theirs.stateDigest());
    assertThat(t.count(a -> a.ask() instanceof dev.bft.core.message.FetchState.ManifestPage)).isGreaterThan(1);
  }
}
