package dev.bft.core.statetransfer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bft.core.protocol.ClientTable;
import java.util.Arrays;

/**
 * Page 0 of a manifest is a peer's bytes: {@link Manifests#parseFirst} gives a page or null for any
 * of them, and the client table in it decodes or is refused, never an exception of another kind or
 * an allocation by a length field (issue 22, item 3: the seed {@code huge-client-table-result}
 * killed the protocol thread before the fix). A page it accepts is canonical: made again from what
 * was read, it is the same bytes, so two replicas cannot read one page two ways.
 */
class ManifestFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void parseFirst(byte[] bytes) {
    Manifests.First first = Manifests.parseFirst(bytes);
    if (first == null || first.table().pieces() != 1) {
      return;
    }
    ClientTable table;
    try {
      table = ClientTable.decode(first.table().firstSlice(), 3, 1);
    } catch (IllegalArgumentException notATable) {
      return;
    }
    byte[] again = Manifests.page(first.top(), table.encode(), 0);
    if (!Arrays.equals(again, bytes)) {
      throw new AssertionError("a manifest page that does not encode back to its bytes: " + table.size() + " clients");
    }
  }
}
