package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.protocol.ClientTable;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A state manifest comes from a peer that may be Byzantine, solicited or not: whatever its length
 * fields claim, decoding it allocates no more than the bytes it has and answers null, never an
 * error (issue 22, item 3: a 101-byte STATE frame whose client table claimed a 2 GiB result killed
 * the protocol thread with an OutOfMemoryError).
 */
class StateTransferWireTest {
  /** count 0 leaves; a table of 1 entry: client 1000, request 1, a result of 2^31 - 1 bytes, then 4 bytes. */
  static final byte[] HUGE_RESULT = HexFormat.of().parseHex(
      "00000000" + "00000001" + "000003e8" + "0000000000000001" + "7fffffff" + "deadbeef");
  /** A table claiming 2^31 - 1 entries in 12 bytes. */
  static final byte[] HUGE_TABLE = HexFormat.of().parseHex("00000000" + "7fffffff" + "000003e8" + "00000000");
  /** A manifest claiming 2^31 - 1 chunk digests (and, read unsigned, 0xffffffff). */
  static final byte[] HUGE_COUNT = HexFormat.of().parseHex("7fffffff" + "00".repeat(32));
  static final byte[] NEGATIVE_COUNT = HexFormat.of().parseHex("ffffffff" + "00".repeat(32));
  static final byte[] NEGATIVE_RESULT = HexFormat.of().parseHex(
      "00000000" + "00000001" + "000003e8" + "0000000000000001" + "ffffffff");

  @Test
  void manifestsWhoseLengthsClaimMoreThanTheyHoldAreRefusedWithoutAllocating() {
    for (byte[] hostile : new byte[][] {HUGE_RESULT, HUGE_TABLE, HUGE_COUNT, NEGATIVE_COUNT, NEGATIVE_RESULT,
        new byte[0], new byte[3], new byte[4]}) {
      assertThat(StateTransferWire.decodeManifest(hostile, 0, 1)).as(HexFormat.of().formatHex(hostile)).isNull();
    }
  }

  @Test
  void aClientTableWithAHugeResultLengthIsNotATable() {
    byte[] table = java.util.Arrays.copyOfRange(HUGE_RESULT, 4, HUGE_RESULT.length);
    assertThatThrownBy(() -> ClientTable.decode(table, 0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2147483647");
  }

  @Test
  void aManifestRoundTrips() {
    ClientTable clients = new ClientTable();
    ClientTable restored = ClientTable.decode(tableOf(1000, 7, new byte[] {1, 2, 3}), 2, 1);
    Digest[] leaves = {Digest.sha256(new byte[] {1}), Digest.sha256(new byte[] {2})};
    StateTransferWire.Manifest m = StateTransferWire.decodeManifest(
        StateTransferWire.encodeManifest(leaves, restored), 2, 1);
    assertThat(m).isNotNull();
    assertThat(m.leaves()).containsExactly(leaves);
    assertThat(m.clients().get(1000).requestNumber()).isEqualTo(7);
    assertThat(m.clients().get(1000).reply().result()).containsExactly(1, 2, 3);
    assertThat(StateTransferWire.decodeManifest(StateTransferWire.encodeManifest(leaves, clients), 2, 1).clients().size())
        .isZero();
  }

  @Test
  void truncatedOrExtendedManifestsAreRefused() {
    ClientTable table = ClientTable.decode(tableOf(1000, 7, new byte[] {1, 2, 3}), 2, 1);
    byte[] good = StateTransferWire.encodeManifest(new Digest[] {Digest.sha256(new byte[] {1})}, table);
    for (int cut = 0; cut < good.length; cut++) {
      assertThat(StateTransferWire.decodeManifest(java.util.Arrays.copyOf(good, cut), 0, 1)).as("cut at %d", cut).isNull();
    }
    assertThat(StateTransferWire.decodeManifest(java.util.Arrays.copyOf(good, good.length + 1), 0, 1)).isNull();
  }

  private static byte[] tableOf(int client, long number, byte[] result) {
    return ByteBuffer.allocate(4 + 16 + result.length).putInt(1).putInt(client).putLong(number)
        .putInt(result.length).put(result).array();
  }
}
