package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bft nemesis} run as a user runs it: real replica processes behind link proxies, four
 * clients recording every operation, faults of every kind this machine can inject on a random
 * schedule, and the history checked for linearizability. No speed is asserted: only that the
 * history is linearizable, that every kind of fault was injected, and that the clients were
 * answered again after each.
 */
class NemesisProcessTest {
  @TempDir
  Path work;

  private static final Pattern FAULT = Pattern.compile("^  #(\\d+)\\s+(\\S+) .*first ok operation invoked after heal (\\S+)",
      Pattern.MULTILINE);

  private BftLauncher.Run nemesis(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("nemesis", "--dir", "run"));
    command.addAll(Arrays.asList(args));
    // A minute of faults; restarted replica JVMs come up slowly on a busy 2-core machine and the schedule waits for them.
    BftLauncher.Run run = BftLauncher.run(work, 15 * 60, command.toArray(String[]::new));
    System.out.println(run.out()); // the seed and the report, to replay a failure
    return run;
  }

  @Test
  void aMinuteOfEveryFaultKindLeavesTheHistoryLinearizableAndTheClientsAnsweredAfterEachFault() throws Exception {
    BftLauncher.Run run = nemesis("--duration", "60s");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.err()).as("nothing on stderr").isBlank();
    String report = Files.readString(work.resolve("run/report.txt"));
    assertThat(report).contains("linearizability: yes", "anomalies: 0", "final reads: every key read");
    assertThat(Files.readAllLines(work.resolve("run/history.txt")).size()).isGreaterThan(1);
    Matcher kinds = Pattern.compile("faults planned \\(([a-z,-]+)\\)").matcher(run.out());
    assertThat(kinds.find()).as(run.out()).isTrue();
    List<String> requested = List.of(kinds.group(1).split(","));
    assertThat(requested).contains("kill", "pause", "partition", "restart", "wipe", "byzantine", "clock");
    List<String> injected = new ArrayList<>();
    Matcher fault = FAULT.matcher(report);
    while (fault.find()) {
      injected.add(fault.group(2));
      assertThat(fault.group(3)).as("an operation answered after fault #%s healed", fault.group(1)).isNotEqualTo("none");
    }
    assertThat(injected).as(report).containsAll(requested);
  }

  /**
   * Beyond f: two of four replicas play wrong-replies together from the start, so f + 1 matching
   * wrong results reach the clients; the run must find and report the violation, and exit 1.
   */
  @Test
  @Tag("slow") // over a minute with the cluster's restart after the colluders: run with -Pslow (README)
  void fPlusOneColludingReplicasAreReportedAsAViolation() throws Exception {
    BftLauncher.Run run = nemesis("--duration", "30s", "--faults", "none", "--beyond-f");
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    String report = Files.readString(work.resolve("run/report.txt"));
    assertThat(report).contains("linearizability: NO", "anomalies: 1", "no linearization explains");
    assertThat(report).contains("byzantine", "(wrong-replies)");
  }
}
