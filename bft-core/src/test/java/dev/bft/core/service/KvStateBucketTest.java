package dev.bft.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A state chunk's bucket encoding is decoded without trusting its lengths (issue 22, item 3). */
class KvStateBucketTest {
  @Test
  void lengthsThatClaimMoreThanTheChunkHoldsAreRefusedWithoutAllocating() {
    String[] hostile = {
        "00000001" + "7fffffff" + "00",                 // a key of 2^31 - 1 bytes
        "00000001" + "00000001" + "6b" + "7fffffff",    // a value of 2^31 - 1 bytes
        "7fffffff" + "00000000" + "00000000",           // 2^31 - 1 entries in 8 bytes
        "ffffffff",                                     // a negative count
        "00000001" + "fffffff0" + "00",                 // a negative key length
        "00", ""};
    for (String hex : hostile) {
      assertThatThrownBy(() -> KvState.decodeBucket(HexFormat.of().parseHex(hex))).as(hex)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aBucketRoundTripsAndItsTruncationsAreRefused() {
    TreeMap<byte[], byte[]> bucket = new TreeMap<>(Arrays::compareUnsigned);
    bucket.put(new byte[] {1}, new byte[] {2, 3});
    byte[] chunk = KvState.encodeBucket(bucket);
    TreeMap<byte[], byte[]> decoded = KvState.decodeBucket(chunk);
    assertThat(decoded).hasSize(1);
    assertThat(decoded.firstEntry().getValue()).containsExactly(2, 3);
    for (int cut = 0; cut < chunk.length; cut++) {
      byte[] truncated = Arrays.copyOf(chunk, cut);
      assertThatThrownBy(() -> KvState.decodeBucket(truncated)).as("cut at %d", cut)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
