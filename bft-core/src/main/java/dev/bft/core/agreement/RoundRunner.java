package dev.bft.core.agreement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an agreement in synchronous rounds: round r's messages are delivered (or lost) and become
 * round r + 1's input. After the last sending round a final delivery lets lieutenants decide.
 */
public final class RoundRunner {
  private RoundRunner() {}

  /** What happened: every round's messages as sent, and each loyal lieutenant's decision. */
  public record Run<M extends AgreementMessage>(List<List<M>> rounds, Map<Integer, String> decisions) {
    public int messageCount() {
      return rounds.stream().mapToInt(List::size).sum();
    }
  }

  /**
   * @param generals indexed by id, 0..n-1
   * @param sendingRounds m + 1 for OM(m) and SM(m)
   */
  public static <M extends AgreementMessage> Run<M> run(List<? extends General<M>> generals, int sendingRounds,
                                                         RoundNetwork network) {
    return run(generals, sendingRounds, (RoundTransport<M>) (round, sent, n) -> {
      List<List<M>> inboxes = emptyInboxes(n);
      for (M msg : sent) {
        if (network.delivers(round, msg)) {
          inboxes.get(msg.to()).add(msg);
        }
      }
      return inboxes;
    });
  }

  /** The same rounds over any transport, e.g. real sockets. */
  public static <M extends AgreementMessage> Run<M> run(List<? extends General<M>> generals, int sendingRounds,
                                                         RoundTransport<M> transport) {
    int n = generals.size();
    List<List<M>> inboxes = emptyInboxes(n);
    List<List<M>> rounds = new ArrayList<>();
    for (int r = 0; r <= sendingRounds; r++) {
      List<M> sent = new ArrayList<>();
      for (General<M> g : generals) {
        List<M> out = g.round(r, inboxes.get(g.id()));
        if (r == sendingRounds) {
          continue; // the final call only delivers; what a general would still send is ignored
        }
        for (M msg : out) {
          if (msg.from() != g.id() || msg.to() < 0 || msg.to() >= n || msg.to() == g.id()) {
            continue; // a general speaks only for itself, to someone else
          }
          sent.add(msg);
        }
      }
      if (r < sendingRounds) {
        rounds.add(sent);
        inboxes = transport.carry(r, sent, n);
      }
    }
    Map<Integer, String> decisions = new HashMap<>();
    for (General<M> g : generals) {
      if (g.decision() != null) {
        decisions.put(g.id(), g.decision());
      }
    }
    return new Run<>(rounds, decisions);
  }

  private static <M> List<List<M>> emptyInboxes(int n) {
    List<List<M>> inboxes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      inboxes.add(new ArrayList<>());
    }
    return inboxes;
  }
}
