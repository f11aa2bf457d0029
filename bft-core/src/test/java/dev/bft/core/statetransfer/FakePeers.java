package dev.bft.core.statetransfer;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.StateSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A lagging replica's {@link StateFetcher} and its peers, which serve one snapshot through the
 * production {@link ServedState} over a queue that stands for the network. A peer may be made a
 * liar (it rewrites its honest answers), and the network may lose or duplicate answers. Every
 * request the fetcher makes is recorded, with the answers' sizes.
 */
public final class FakePeers implements FetchEffects {
  /** A request as the fetcher made it. */
  public record Ask(int peer, FetchState.Ask ask) {
    public boolean node() {
      return ask instanceof FetchState.NodePage;
    }

    public boolean piece() {
      return ask instanceof FetchState.Piece;
    }
  }

  public static final long SEQUENCE = 128;
  public final List<Ask> asks = new ArrayList<>();
  public final List<Integer> answerSizes = new ArrayList<>();
  public final TransferStats stats = new TransferStats();
  public final StateFetcher fetcher;
  public final Map<Integer, BiFunction<FetchState.Ask, StateChunk.Answer, StateChunk.Answer>> liars = new HashMap<>();
  /** Answers the network loses. */
  public Predicate<Ask> lose = a -> false;
  public boolean duplicate;
  public boolean wanted = true;
  public ClientTable installed;
  public long installedAt = -1;
  /** How many requests the fetcher had made when it first caught a lie, or -1. */
  public int asksBeforeFirstLieCaught = -1;
  private final ArrayDeque<Runnable> network = new ArrayDeque<>();
  private final ServedState served;

  public FakePeers(ReplicatedService mine, StateSnapshot theirs, ClientTable clients) {
    this.served = new ServedState(theirs, clients);
    this.fetcher = new StateFetcher(0, 4, mine, this, stats);
  }

  /** Starts the transfer of checkpoint {@link #SEQUENCE} and delivers everything until the network is quiet. */
  public FakePeers run(dev.bft.crypto.Digest proven) {
    fetcher.start(SEQUENCE, proven);
    return deliver();
  }

  public FakePeers deliver() {
    while (step()) {
      // until the network is quiet
    }
    return this;
  }

  /** Delivers one answer; false when none is on its way. */
  public boolean step() {
    Runnable next = network.poll();
    if (next == null) {
      return false;
    }
    next.run();
    if (asksBeforeFirstLieCaught < 0 && stats.badAnswers() > 0) {
      asksBeforeFirstLieCaught = asks.size();
    }
    return true;
  }

  public long count(Predicate<Ask> which) {
    return asks.stream().filter(which).count();
  }

  @Override
  public void ask(int peer, long sequence, FetchState.Ask what) {
    Ask ask = new Ask(peer, what);
    asks.add(ask);
    StateChunk.Answer answer = served.answer(what);
    var liar = liars.get(peer);
    if (liar != null) {
      answer = liar.apply(what, answer);
    }
    if (answer == null || lose.test(ask)) {
      return;
    }
    answerSizes.add(ServedState.sizeOf(answer));
    StateChunk.Answer a = answer;
    for (int copies = duplicate ? 2 : 1; copies > 0; copies--) {
      network.add(() -> answer(peer, sequence, a));
    }
  }

  private void answer(int peer, long sequence, StateChunk.Answer answer) {
    fetcher.onAnswer(peer, sequence, answer, 0);
  }

  @Override
  public void setRetryTimer(long ticks) {}

  @Override
  public boolean wanted(long sequence) {
    return wanted;
  }

  @Override
  public void installed(long sequence, ClientTable clients) {
    installedAt = sequence;
    installed = clients;
  }
}
