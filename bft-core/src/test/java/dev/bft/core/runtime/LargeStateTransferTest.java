package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvSnapshot;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.core.statetransfer.TransferStats;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A correct replica's state always transfers, however its keys hash and however many clients it
 * has: every STATE frame the runtime serves (a chunk piece or a manifest page, as
 * {@code ReplicaNode.serve} builds them) stays within the decoder's chunk limit, which drops
 * anything larger, and the lagging replica ends with the same state.
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

  /** A lagging replica fetching from peers that serve frames as ReplicaNode does, dropping what the decoder would. */
  static final class Transfer implements FetchEffects {
    final KvSnapshot served;
    final dev.bft.core.service.SnapshotPieces pieces;
    final ClientTable servedClients;
    final KeyValueService mine = new KeyValueService();
    final TransferStats stats = new TransferStats();
    final StateFetcher fetcher = new StateFetcher(0, 4, mine, this, stats);
    final ArrayDeque<Runnable> network = new ArrayDeque<>();
    final List<Integer> frameSizes = new ArrayList<>();
    ClientTable installed;

    Transfer(KvSnapshot served, ClientTable clients) {
      this.pieces = new dev.bft.core.service.SnapshotPieces(served);
      this.served = served;
      this.servedClients = clients;
    }

    private boolean passesDecoder(byte[] chunk) {
      frameSizes.add(chunk.length);
      return chunk.length <= LIMIT;
    }

    @Override
    public void requestManifest(int peer, long sequence) {
      byte[] page = StateTransferWire.encodeManifest(served.chunkDigests(), servedClients);
      if (passesDecoder(page)) {
        network.add(() -> {
          StateTransferWire.Manifest m = StateTransferWire.decodeManifest(page, 0, 0);
          if (m != null) {
            fetcher.onManifest(peer, sequence, m.leaves(), m.clients());
          } else {
            fetcher.onManifestPage(peer, sequence, 0, page, 0);
          }
        });
      }
    }

    @Override
    public void requestManifestPage(int peer, long sequence, int page) {
      byte[] bytes = StateTransferWire.encodeManifestPage(served.chunkDigests(), servedClients, page);
      if (bytes != null && passesDecoder(bytes)) {
        network.add(() -> fetcher.onManifestPage(peer, sequence, page, bytes, 0));
      }
    }

    @Override
    public void requestChunk(int peer, long sequence, int index) {
      if (index < pieces.indexBound()) {
        byte[] chunk = pieces.piece(index);
        if (passesDecoder(chunk)) {
          network.add(() -> fetcher.onChunk(peer, sequence, index, chunk));
        }
      }
    }

    @Override
    public void setRetryTimer(long ticks) {}

    @Override
    public void installed(long sequence, ClientTable clients) {
      installed = clients;
    }

    Transfer run() {
      fetcher.start(128, StateDigests.checkpoint(served.root(), servedClients));
      while (!network.isEmpty()) {
        network.poll().run();
      }
      return this;
    }
  }

  @Test
  void aBucketOfFiveMebibytesTransfersInPiecesUnderTheFrameLimit() {
    KeyValueService theirs = oneFullBucket();
    Transfer t = new Transfer(theirs.snapshot(), tableOf(2)).run();
    assertThat(t.frameSizes).as("every STATE frame").allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(LIMIT));
    assertThat(t.installed).as("the transfer completed").isNotNull();
    assertThat(t.mine.stateDigest()).isEqualTo(theirs.stateDigest());
    assertThat(t.mine.size()).isEqualTo(81);
  }

  @Test
  void theManifestOfSeventyClientsWithLargeResultsFitsItsFirstPage() {
    ClientTable clients = tableOf(70);
    assertThat(clients.encode().length).as("the table alone").isGreaterThan(LIMIT);
    byte[] page = StateTransferWire.encodeManifest(new KeyValueService().chunkDigests(), clients);
    assertThat(page.length).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void aClientTableOverTheFrameLimitTransfersInManifestPages() {
    KeyValueService theirs = oneFullBucket();
    ClientTable clients = tableOf(70);
    Transfer t = new Transfer(theirs.snapshot(), clients).run();
    assertThat(t.frameSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(LIMIT));
    assertThat(t.installed).as("the transfer completed").isNotNull();
    assertThat(t.installed.encode()).isEqualTo(clients.encode());
    assertThat(t.mine.stateDigest()).isEqualTo(theirs.stateDigest());
  }
}
