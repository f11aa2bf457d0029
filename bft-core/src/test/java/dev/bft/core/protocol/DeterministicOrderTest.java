package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's output never depends on hash order (the simulator's rule: a seed must replay exactly,
 * and two replicas fed the same events must emit the same messages).
 */
class DeterministicOrderTest {
  /**
   * Arrival order on purpose neither ascending nor the order a 16-bucket HashMap keeps Integer
   * keys in (1017 in bucket 9, 1003 in 11, 1100 in 12): only a defined order passes.
   */
  private static final int[] ARRIVAL = {1100, 1017, 1003};

  private static void requestsArriveThenViewOneStarts(ReplicaFixture fx) {
    for (int client : ARRIVAL) {
      fx.replica.onRequest(request(client, 1), 0);
    }
    fx.effects.clear();
    // f + 1 = 2 VIEW-CHANGEs for view 1 make the replica join; with its own they are 2f + 1.
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 2));
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 3));
  }

  @Test
  void theNewPrimarySeedsItsFirstBatchWithWaitingRequestsInArrivalOrder() {
    ReplicaFixture fx = new ReplicaFixture(1); // the primary of view 1
    requestsArriveThenViewOneStarts(fx);
    assertThat(fx.replica.view()).isEqualTo(1);
    assertThat(fx.replica.isViewChanging()).isFalse();
    List<PrePrepare> issued = fx.effects.broadcasts(PrePrepare.class);
    assertThat(issued).as("one batch of the three waiting requests").singleElement();
    assertThat(issued.get(0).batch().requests()).extracting(Request::clientId).containsExactly(1100, 1017, 1003);
  }

  @Test
  void aBackupRelaysWaitingRequestsToTheNewPrimaryInArrivalOrder() {
    ReplicaFixture fx = new ReplicaFixture(2);
    for (int client : ARRIVAL) {
      fx.replica.onRequest(request(client, 1), 0);
    }
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 0));
    fx.replica.onMessage(ViewChangeRulesTest.vc(1, 3));
    fx.effects.clear();
    List<dev.bft.core.message.ViewChange> vcs = List.of(ViewChangeRulesTest.vc(1, 0), ViewChangeRulesTest.vc(1, 2),
        ViewChangeRulesTest.vc(1, 3));
    NewViewPlan plan = NewViewPlan.compute(1, vcs, ReplicaFixture.Q);
    fx.replica.onMessage(new dev.bft.core.message.NewView(1, vcs, plan.prePrepares(), 1, null));
    assertThat(fx.replica.isViewChanging()).isFalse();
    assertThat(fx.effects.forwarded).extracting(Request::clientId).containsExactly(1100, 1017, 1003);
  }

  // ------------------------------------------------------------ a scan of the sources

  /** Collections whose iteration order is their keys' hash (or a per-JVM salt): none may be used here. */
  static final Pattern HASH_ORDERED = Pattern.compile(
      "\\b(HashMap|HashSet|ConcurrentHashMap|IdentityHashMap|WeakHashMap|Hashtable)\\b"
          + "|\\b(Set|Map)\\.(of|copyOf|ofEntries)\\("
          + "|Collectors\\.(toSet|toMap|groupingBy|toUnmodifiableSet|toUnmodifiableMap)\\b");

  /** Every use of a hash-ordered collection in {@code source}, as "line: text" (comments skipped). */
  static List<String> hashOrderedUses(String source) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    boolean inComment = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (inComment) {
        int end = line.indexOf("*/");
        if (end < 0) {
          continue;
        }
        line = line.substring(end + 2);
        inComment = false;
      }
      int open = line.indexOf("/*");
      if (open >= 0) {
        int end = line.indexOf("*/", open + 2);
        inComment = end < 0;
        line = line.substring(0, open) + (end < 0 ? "" : line.substring(end + 2));
      }
      int lineComment = line.indexOf("//");
      if (lineComment >= 0) {
        line = line.substring(0, lineComment);
      }
      Matcher m = HASH_ORDERED.matcher(line);
      if (m.find()) {
        found.add((i + 1) + ": " + lines[i].trim());
      }
    }
    return found;
  }

  @Test
  void theScanCatchesAPlantedHashOrderedCollection() {
    String planted = String.join("\n",
        "/** A LinkedHashMap and a TreeMap are fine; so is a HashMap named in a comment. */",
        "final class Planted {",
        "  private final Map<Integer, Request> waiting = new LinkedHashMap<>();",
        "  private final Map<Integer, Request> sorted = new TreeMap<>(); // not a HashMap",
        "  private final Map<Integer, Request> hashed = new HashMap<>();",
        "  private final Set<Integer> audience = Set.copyOf(members);",
        "  /* java.util.HashSet */ private final Set<Long> seen = new java.util.HashSet<>();",
        "}");
    assertThat(hashOrderedUses(planted)).containsExactly(
        "5: private final Map<Integer, Request> hashed = new HashMap<>();",
        "6: private final Set<Integer> audience = Set.copyOf(members);",
        "7: /* java.util.HashSet */ private final Set<Long> seen = new java.util.HashSet<>();");
  }

  /**
   * The protocol core and state transfer use no hash-ordered collection at all, not even for
   * look-ups: LinkedHashMap and TreeMap cost the same there, and a later loop over a map that was
   * only looked up in would silently bring hash order back.
   */
  @Test
  void theCoreUsesNoHashOrderedCollection() throws IOException {
    List<String> offending = new ArrayList<>();
    int scanned = 0;
    for (String pkg : List.of("protocol", "statetransfer")) {
      Path dir = Path.of("src/main/java/dev/bft/core", pkg);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          scanned++;
          hashOrderedUses(Files.readString(f)).forEach(use -> offending.add(f.getFileName() + ":" + use));
        }
      }
    }
    assertThat(scanned).as("the sources were found and read").isGreaterThan(25);
    assertThat(offending).isEmpty();
  }
}
