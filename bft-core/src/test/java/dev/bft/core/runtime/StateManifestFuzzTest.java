package dev.bft.core.runtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * A state manifest is a peer's bytes: {@link StateTransferWire#decodeManifest} gives a manifest or
 * null for any of them, never an exception or an allocation by a length field (issue 22, item 3:
 * the seed {@code huge-client-table-result} killed the protocol thread before the fix). A manifest
 * it accepts is canonical: encoding it again gives the same bytes, so two replicas cannot read one
 * manifest two ways.
 */
class StateManifestFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void decodeManifest(byte[] bytes) {
    StateTransferWire.Manifest m = StateTransferWire.decodeManifest(bytes, 3, 1);
    if (m == null) {
      return;
    }
    byte[] again = StateTransferWire.encodeManifest(m.leaves(), m.clients());
    if (!Arrays.equals(again, bytes)) {
      throw new AssertionError("a manifest that does not encode back to its bytes: " + m.leaves().length
          + " leaves, " + m.clients().size() + " clients");
    }
  }
}
