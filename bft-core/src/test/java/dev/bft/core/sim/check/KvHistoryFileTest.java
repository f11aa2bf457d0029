package dev.bft.core.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvHistoryFileTest {
  @TempDir
  Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aGeneratedHistoryRoundTripsThroughAFile() throws Exception {
    List<KvHistory.Event> events = new ArrayList<>(new SyntheticHistory(5, 8, 0.05, 0.05, 4).generate(2000, 3));
    byte[] awkward = {0, (byte) 0xff, ' ', '\n'};
    events.add(KvHistory.Event.ok(7, 1, 2, new KvOperation.Put(b("a key"), awkward), KvResult.OK));
    events.add(KvHistory.Event.ok(7, 3, 4, new KvOperation.Cas(b("absent"), null, b("0x12")), KvResult.casFailed(b("-"))));
    events.add(KvHistory.Event.ok(7, 5, 6, new KvOperation.Put(b("k"), new byte[0]), KvResult.error("bad op")));
    events.add(KvHistory.Event.unknown(8, 9, new KvOperation.Delete(b("k"))));
    events.add(KvHistory.Event.fail(9, 10, 10, new KvOperation.Get(b("é"))));
    Path file = dir.resolve("history.txt");
    KvHistoryFile.write(file, events);
    List<KvHistory.Event> back = KvHistoryFile.read(file);
    assertThat(back).hasSize(events.size());
    for (int i = 0; i < events.size(); i++) {
      assertThat(KvHistoryFile.format(back.get(i))).isEqualTo(KvHistoryFile.format(events.get(i)));
      assertThat(back.get(i).outcome()).isEqualTo(events.get(i).outcome());
      assertThat(back.get(i).result()).isEqualTo(events.get(i).result());
      assertThat(back.get(i).op().encode()).isEqualTo(events.get(i).op().encode());
      assertThat(back.get(i).invoked()).isEqualTo(events.get(i).invoked());
      if (events.get(i).outcome() == KvHistory.Outcome.OK) {
        assertThat(back.get(i).completed()).isEqualTo(events.get(i).completed());
      }
    }
    assertThat(LinearizabilityChecker.check(back.subList(0, 2000)).linearizable()).isTrue();
  }

  @Test
  void linesReadAsDocumented() throws Exception {
    String text = """
        # client invoked completed|unknown|fail op key [args] [-> result]
        1 100 180 put x 1 -> ok
        2 110 unknown put x 0x02
        3 120 fail delete x

        4 200 250 cas x 1 0x0a -> cas-failed 0x02
        5 300 310 get x -> value 0x02
        6 320 330 cas x absent 7 -> cas-failed 0x02
        """;
    List<KvHistory.Event> events = KvHistoryFile.parse(new StringReader(text), "test");
    assertThat(events).extracting(KvHistory.Event::outcome).containsExactly(KvHistory.Outcome.OK, KvHistory.Outcome.UNKNOWN,
        KvHistory.Outcome.FAIL, KvHistory.Outcome.OK, KvHistory.Outcome.OK, KvHistory.Outcome.OK);
    assertThat(((KvOperation.Put) events.get(1).op()).value()).containsExactly(2);
    assertThat(((KvOperation.Cas) events.get(5).op()).expected()).isNull();
    assertThat(LinearizabilityChecker.check(events).linearizable()).as("the unknown put of 0x02 took effect").isTrue();
  }

  @Test
  void aMalformedLineIsNamedWithWhatIsWrong() {
    assertThatThrownBy(() -> KvHistoryFile.parse(new StringReader("1 2 3 get x -> ok\n1 2 3 frob x -> ok\n"), "h.txt"))
        .hasMessage("h.txt line 2: unknown operation 'frob' (get, put, delete or cas)");
    assertThatThrownBy(() -> KvHistoryFile.parse(new StringReader("1 2 3 put x\n"), "h.txt"))
        .hasMessage("h.txt line 1: line ends where the value should be");
    assertThatThrownBy(() -> KvHistoryFile.parse(new StringReader("1 2 3 put x 0x1 -> ok\n"), "h.txt"))
        .hasMessage("h.txt line 1: '0x1' is not 0x followed by an even number of hex digits");
    assertThatThrownBy(() -> KvHistoryFile.parse(new StringReader("1 5 3 get x -> absent\n"), "h.txt"))
        .hasMessage("h.txt line 1: completed at 3 before its invocation at 5");
    assertThatThrownBy(() -> KvHistoryFile.parse(new StringReader("1 5 unknown get x -> absent\n"), "h.txt"))
        .hasMessageContaining("only completed operations have a result");
    assertThatThrownBy(() -> KvHistoryFile.parse(new StringReader("1 5 9 get x -> maybe\n"), "h.txt"))
        .hasMessageContaining("unknown result 'maybe'");
  }
}
