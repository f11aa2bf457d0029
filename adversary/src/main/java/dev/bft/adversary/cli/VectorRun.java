package dev.bft.adversary.cli;

import dev.bft.adversary.agreement.Generals;
import dev.bft.adversary.agreement.VectorEnumerator;
import dev.bft.adversary.agreement.VectorGenerals;
import dev.bft.core.agreement.OralMessage;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** {@code bft om --vector}: interactive consistency, every general with its own value. */
final class VectorRun {
  private final PrintWriter out;
  private final int n;
  private final int m;
  private final Set<Integer> traitors;
  private final List<String> values;
  private final Generals.Strategy strategy;
  private final boolean signed;
  private final boolean tcp;
  private final boolean exhaustive;
  private final int traitorCount;

  VectorRun(PrintWriter out, int n, int m, List<Integer> traitors, List<String> values, Generals.Strategy strategy,
            boolean signed, boolean tcp, boolean exhaustive, int traitorCount) {
    this.out = out;
    this.n = n;
    this.m = m;
    this.traitors = new TreeSet<>(traitors);
    this.values = values == null ? VectorGenerals.alternatingValues(n) : List.copyOf(values);
    this.strategy = strategy;
    this.signed = signed;
    this.tcp = tcp;
    this.exhaustive = exhaustive;
    this.traitorCount = traitorCount;
  }

  int call() {
    if (signed) {
      throw new IllegalArgumentException("--vector runs oral messages (OM(m) per entry); drop --signed");
    }
    VectorGenerals.validate(n, m, values, traitors);
    if (exhaustive) {
      VectorEnumerator.Summary s = VectorEnumerator.exhaustive(n, m, traitorCount);
      out.println(s);
      s.counterexamples().stream().limit(1).forEach(c -> out.println("counterexample: " + c));
      out.println(theory(traitorCount));
      return 0;
    }
    VectorGenerals.Outcome o;
    if (tcp) {
      try (var sockets = new dev.bft.core.runtime.AgreementSockets<>(Generals.testKeys(n), false, 2000)) {
        o = VectorGenerals.run(m, values, traitors, strategy, OmCommand.castOral(sockets));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while opening sockets", e);
      }
    } else {
      o = VectorGenerals.run(m, values, traitors, strategy);
    }
    out.printf("interactive consistency, OM(%d) per entry, n=%d, values %s, traitors %s (%s)%s%n", m, n, values,
        traitors, traitors.isEmpty() ? "none" : strategy.name().toLowerCase(Locale.ROOT), tcp ? ", over loopback TCP" : "");
    for (int r = 0; r < o.run().rounds().size(); r++) {
      List<OralMessage> round = o.run().rounds().get(r);
      out.printf("round %d: %d messages%n", r, round.size());
      // The loyal processes' messages follow from the values; the traitors' are the interesting part.
      round.stream().filter(msg -> traitors.contains(msg.from())).forEach(msg -> out.println("  traitor " + msg.describe()));
    }
    o.vectors().forEach((id, v) -> out.printf("process %d holds %s%n", id, v));
    out.println(o.consistency().explanation());
    out.println("interactive consistency " + (o.consistency().holds() ? "held" : "did NOT hold"));
    out.println(theory(traitors.size()));
    return 0;
  }

  private String theory(int traitorsPresent) {
    return "theory: OM(m) per entry gives every loyal general the same vector, with each loyal general's own value, "
        + "for up to m traitors when n > 3m; here n=" + n + ", m=" + m + (n > 3 * m ? " (guaranteed" : " (NOT guaranteed")
        + (traitorsPresent > m ? ", but there are more traitors than m)" : ")");
  }
}
