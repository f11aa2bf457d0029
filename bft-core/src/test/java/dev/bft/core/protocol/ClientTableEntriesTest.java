package dev.bft.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Reply;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A service that stores the client table itself keeps it entry by entry; the table rebuilt from
 * those entries must be the table the checkpoint digest covers, byte for byte.
 */
class ClientTableEntriesTest {
  static ClientTable sample() {
    ClientTable t = new ClientTable();
    t.record(1002, 9, new Reply(4, 1002, 9, new byte[] {7, 7}, 0, null));
    t.record(1000, 3, new Reply(4, 1000, 3, new byte[0], 0, null));
    t.record(5, 1, new Reply(4, 5, 1, new byte[300], 0, null));
    return t;
  }

  @Test
  void aTableRebuiltFromItsEntriesIsTheDecodedTableAndHasTheSameDigest() {
    ClientTable t = sample();
    ClientTable rebuilt = ClientTable.fromEntries(t.encodedEntries(), 6, 2);
    ClientTable decoded = ClientTable.decode(t.encode(), 6, 2);
    assertThat(rebuilt.encode()).isEqualTo(decoded.encode()).isEqualTo(t.encode());
    assertThat(rebuilt.get(1002).reply().view()).isEqualTo(6);
    assertThat(rebuilt.get(1002).reply().sender()).isEqualTo(2);
    assertThat(StateDigests.checkpoint(dev.bft.crypto.Digest.ZERO, rebuilt))
        .isEqualTo(StateDigests.checkpoint(dev.bft.crypto.Digest.ZERO, t));
    assertThat(ClientTable.fromEntries(new TreeMap<>(), 0, 0).encode()).isEqualTo(new ClientTable().encode());
  }

  @Test
  void anEntryIsTheTablesEncodingOfItAfterTheClientId() {
    ClientTable one = new ClientTable();
    one.record(1000, 3, new Reply(0, 1000, 3, new byte[] {1, 2}, 0, null));
    byte[] whole = one.encode(); // [count:4][client:4][entry]
    byte[] entry = ClientTable.encodeEntry(one.get(1000));
    assertThat(entry).isEqualTo(java.util.Arrays.copyOfRange(whole, 8, whole.length));
  }

  @Test
  void anEntryThatIsNotOneIsRefusedLoudly() {
    SortedMap<Integer, byte[]> damaged = sample().encodedEntries();
    byte[] cut = damaged.get(1002);
    damaged.put(1002, java.util.Arrays.copyOf(cut, cut.length - 1));
    assertThatThrownBy(() -> ClientTable.fromEntries(damaged, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client 1002");
  }
}
