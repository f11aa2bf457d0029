package dev.bft.core.statetransfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Page 0 of a manifest comes from a peer that may be Byzantine, solicited or not: whatever its
 * counts and length fields claim (the top of the tree must be a power of two of at most 256 digests), parsing it allocates no more than the bytes it has and answers null, never
 * an error (issue 22, item 3), and a page that parses proves itself against the checkpoint digest.
 */
class ManifestsTest {
  static final Digest[] TOP = {Digest.sha256(new byte[] {42}), Digest.sha256(new byte[] {43})};

  @Test
  void pagesWhoseLengthsClaimMoreThanTheyHoldAreRefusedWithoutAllocating() {
    byte[] hugeTop = ByteBuffer.allocate(4 + 32).putInt(Integer.MAX_VALUE).array();
    byte[] negativeTop = ByteBuffer.allocate(4 + 32).putInt(-1).array();
    byte[] threeTop = ByteBuffer.allocate(4 + 3 * 32 + 4 + 32).putInt(3).array();
    byte[] hugeSliceCount = ByteBuffer.allocate(4 + 32 + 4 + 32).putInt(1).put(TOP[0].bytesUnsafe())
        .putInt(Integer.MAX_VALUE).array();
    byte[] negativeSliceCount = ByteBuffer.allocate(4 + 32 + 4 + 32).putInt(1).put(TOP[0].bytesUnsafe()).putInt(-1)
        .array();
    for (byte[] hostile : new byte[][] {hugeTop, negativeTop, threeTop, hugeSliceCount, negativeSliceCount, new byte[0],
        new byte[3], new byte[36]}) {
      assertThat(Manifests.parseFirst(hostile)).as(HexFormat.of().formatHex(hostile)).isNull();
    }
  }

  @Test
  void pageZeroCarriesTheRootAndTheTableAndProvesTheCheckpoint() {
    ClientTable clients = ClientTable.decode(tableOf(1000, 7, new byte[] {1, 2, 3}), 2, 1);
    Manifests.First first = Manifests.parseFirst(Manifests.page(TOP, clients.encode(), 0));
    assertThat(first.top()).containsExactly(TOP);
    Digest root = dev.bft.core.service.MerkleTree.root(TOP);
    assertThat(first.root()).isEqualTo(root);
    assertThat(first.table().pieces()).isEqualTo(1);
    assertThat(first.table().firstSlice()).isEqualTo(clients.encode());
    assertThat(StateDigests.checkpoint(first.root(), first.table().contentDigest()))
        .isEqualTo(StateDigests.checkpoint(root, clients));
    assertThat(Manifests.page(TOP, clients.encode(), 1)).as("no page 1 for a small table").isNull();
  }

  @Test
  void truncatedOrExtendedPagesAreRefused() {
    byte[] good = Manifests.page(TOP, tableOf(1000, 7, new byte[] {1, 2, 3}), 0);
    for (int cut = 0; cut < good.length; cut++) {
      assertThat(Manifests.parseFirst(Arrays.copyOf(good, cut))).as("cut at %d", cut).isNull();
    }
    assertThat(Manifests.parseFirst(Arrays.copyOf(good, good.length + 1))).isNull();
  }

  @Test
  void theFuzzSeedOfAValidPageParses() throws Exception {
    try (var in = getClass().getResourceAsStream("ManifestFuzzTestInputs/parseFirst/two-clients")) {
      Manifests.First first = Manifests.parseFirst(in.readAllBytes());
      assertThat(first).as("the seed is a page, so the fuzz test starts from the accepting path").isNotNull();
      assertThat(ClientTable.decode(first.table().firstSlice(), 0, 1).size()).isEqualTo(2);
    }
  }

  private static byte[] tableOf(int client, long number, byte[] result) {
    return ByteBuffer.allocate(4 + 16 + result.length).putInt(1).putInt(client).putLong(number)
        .putInt(result.length).put(result).array();
  }
}
