package dev.bft.adversary.cli;

import dev.bft.adversary.agreement.Generals;
import dev.bft.adversary.agreement.TraitorEnumerator;
import dev.bft.core.agreement.AgreementMessage;
import dev.bft.core.agreement.Values;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bft om}: run Lamport's oral- or signed-messages agreement with traitors and check IC1/IC2. */
@Command(name = "om", mixinStandardHelpOptions = true,
    description = "Run the Byzantine generals' agreement OM(m) (or SM(m) with --signed) with traitors; general 0 commands. "
        + "With --vector every general has its own value (interactive consistency).")
public final class OmCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--n", defaultValue = "4", description = "number of generals (default: ${DEFAULT-VALUE})")
  int n;

  @Option(names = "--m", defaultValue = "1", description = "rounds of relaying / traitors tolerated (default: ${DEFAULT-VALUE})")
  int m;

  @Option(names = "--traitors", split = ",", description = "ids of the traitor generals, e.g. 2 or 0,3")
  List<Integer> traitors = List.of();

  @Option(names = "--commander-value", defaultValue = Values.ATTACK, description = "attack or retreat (default: ${DEFAULT-VALUE})")
  String value;

  @Option(names = "--strategy", defaultValue = "EQUIVOCATE",
      description = "traitor behaviour: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  Generals.Strategy strategy;

  @Option(names = "--signed", description = "run SM(m) with Ed25519-signed orders instead of OM(m)")
  boolean signed;

  @Option(names = "--tcp", description = "carry every message over real loopback sockets as a signed envelope")
  boolean tcp;

  @Option(names = "--exhaustive", description = "try every behaviour of --traitors-count traitors (OM only, small n)")
  boolean exhaustive;

  @Option(names = "--traitors-count", defaultValue = "1", description = "with --exhaustive: how many traitors (default: ${DEFAULT-VALUE})")
  int traitorCount;

  @Option(names = "--vector", description = "interactive consistency: every general has its own value (--values) and "
      + "all loyal ones must end with the same vector; OM(m) runs once per general as commander of its own value")
  boolean vector;

  @Option(names = "--values", split = ",", description = "with --vector: each general's value, e.g. "
      + "attack,retreat,attack,attack (default: attack at even ids, retreat at odd ones)")
  List<String> values;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (vector) {
      return new VectorRun(out, n, m, traitors, values, strategy, signed, tcp, exhaustive, traitorCount).call();
    }
    if (values != null) {
      throw new IllegalArgumentException("--values gives each general a value: it needs --vector");
    }
    if (!value.equals(Values.ATTACK) && !value.equals(Values.RETREAT)) {
      throw new IllegalArgumentException("--commander-value must be attack or retreat, got '" + value + "'");
    }
    Set<Integer> traitorSet = new TreeSet<>(traitors);
    Generals.validate(n, m, traitorSet, signed);
    if (exhaustive) {
      if (signed) {
        throw new IllegalArgumentException("--exhaustive enumerates oral-message traitors only; drop --signed");
      }
      TraitorEnumerator.Summary s = TraitorEnumerator.exhaustive(n, m, traitorCount);
      out.println(s);
      s.counterexamples().stream().limit(1).forEach(c -> out.println("counterexample: " + c));
      out.println(theory(n, m, traitorCount));
      return 0;
    }
    Generals.Outcome<? extends AgreementMessage> o;
    if (tcp) {
      try (var sockets = new dev.bft.core.runtime.AgreementSockets<>(Generals.testKeys(n), signed, 2000)) {
        o = signed ? Generals.signed(n, m, value, traitorSet, strategy, castSigned(sockets))
            : Generals.oral(n, m, value, traitorSet, strategy, castOral(sockets));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while opening sockets", e);
      }
    } else {
      o = signed ? Generals.signed(n, m, value, traitorSet, strategy) : Generals.oral(n, m, value, traitorSet, strategy);
    }
    out.printf("%s(%d), n=%d, commander 0 says %s, traitors %s (%s)%s%n", signed ? "SM" : "OM", m, n, value,
        traitorSet, traitorSet.isEmpty() ? "none" : strategy.name().toLowerCase(java.util.Locale.ROOT),
        tcp ? ", over loopback TCP" : "");
    for (int r = 0; r < o.run().rounds().size(); r++) {
      out.printf("round %d: %d messages%n", r, o.run().rounds().get(r).size());
      for (AgreementMessage msg : o.run().rounds().get(r)) {
        out.println("  " + msg.describe());
      }
    }
    o.run().decisions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e ->
        out.printf("lieutenant %d decides %s%s%n", e.getKey(), e.getValue(), traitorSet.contains(e.getKey()) ? " (traitor)" : ""));
    out.println(o.ic().explanation());
    out.println(signed ? "theory: SM(m) reaches agreement whenever n >= m + 2" : theory(n, m, traitorSet.size()));
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static dev.bft.core.agreement.RoundTransport<dev.bft.core.agreement.SignedOrder> castSigned(
      dev.bft.core.runtime.AgreementSockets<?> s) {
    return (dev.bft.core.agreement.RoundTransport<dev.bft.core.agreement.SignedOrder>) s;
  }

  @SuppressWarnings("unchecked")
  static dev.bft.core.agreement.RoundTransport<dev.bft.core.agreement.OralMessage> castOral(
      dev.bft.core.runtime.AgreementSockets<?> s) {
    return (dev.bft.core.agreement.RoundTransport<dev.bft.core.agreement.OralMessage>) s;
  }

  private static String theory(int n, int m, int traitors) {
    return "theory: OM(m) guarantees IC1 and IC2 with up to m traitors when n > 3m; here n=" + n + ", m=" + m
        + (n > 3 * m ? " (guaranteed" : " (NOT guaranteed") + (traitors > m ? ", but there are more traitors than m)" : ")");
  }
}
