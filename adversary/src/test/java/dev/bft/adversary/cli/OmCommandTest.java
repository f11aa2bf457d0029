package dev.bft.adversary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.cli.BftMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OmCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int bft(String... args) {
    CommandLine cl = BftMain.commandLine(); // the launcher finds 'om' through ServiceLoader
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void printsTheRoundsTheDecisionsAndTheVerdict() {
    assertThat(bft("om", "--n", "4", "--m", "1", "--traitors", "2", "--commander-value", "attack")).isZero();
    assertThat(out.toString()).contains("OM(1), n=4", "round 0: 3 messages", "round 1: 6 messages",
        "lieutenant 1 decides attack", "IC1 holds", "IC2 holds");
  }

  @Test
  void showsTheViolationWhenTooFewGenerals() {
    assertThat(bft("om", "--n", "3", "--m", "1", "--traitors", "2", "--strategy", "LIE")).isZero();
    assertThat(out.toString()).contains("IC2 VIOLATED", "NOT guaranteed");
  }

  @Test
  void signedAndExhaustiveModes() {
    assertThat(bft("om", "--n", "3", "--m", "1", "--traitors", "0", "--signed")).isZero();
    assertThat(out.toString()).contains("SM(1)", "IC1 holds");
    assertThat(bft("om", "--n", "3", "--m", "1", "--exhaustive")).isZero();
    assertThat(out.toString()).contains("counterexample:");
  }

  @Test
  void badArgumentsAreOneLine() {
    assertThat(bft("om", "--n", "4", "--m", "3")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft om: --m 3 is out of range 0..2 for n = 4");
    err.getBuffer().setLength(0);
    assertThat(bft("om", "--n", "4", "--traitors", "9")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft om: traitor 9 is not a general (ids 0..3, 0 commands)");
  }

  @Test
  void vectorModePrintsEachLoyalVectorAndTheVerdict() {
    assertThat(bft("om", "--vector", "--n", "4", "--traitors", "3", "--values", "attack,retreat,attack,attack")).isZero();
    assertThat(out.toString()).contains("round 0: 12 messages", "round 1: 24 messages",
        "process 0 holds [attack, retreat, attack, ", "agreement holds", "validity holds",
        "interactive consistency held");
    out.getBuffer().setLength(0);
    assertThat(bft("om", "--vector", "--n", "3", "--traitors", "2", "--strategy", "LIE")).isZero();
    assertThat(out.toString()).contains("VIOLATED", "interactive consistency did NOT hold", "NOT guaranteed");
    out.getBuffer().setLength(0);
    assertThat(bft("om", "--vector", "--n", "3", "--exhaustive")).isZero();
    assertThat(out.toString()).contains("violated agreement or validity", "counterexample:");
  }

  @Test
  void valuesMustFitTheVector() {
    assertThat(bft("om", "--vector", "--n", "4", "--values", "attack,retreat")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft om: --values has 2 value(s); there are 4 processes");
    err.getBuffer().setLength(0);
    assertThat(bft("om", "--n", "4", "--values", "attack,retreat,attack,attack")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft om: --values gives each general a value: it needs --vector");
  }
}
