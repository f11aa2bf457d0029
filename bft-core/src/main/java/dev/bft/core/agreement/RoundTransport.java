package dev.bft.core.agreement;

import java.util.List;

/**
 * Carries one round's messages to their receivers: in memory ({@link RoundNetwork}) or over real
 * sockets (runtime.AgreementSockets). A message that does not arrive within the round is lost,
 * and its receiver uses the default value.
 */
public interface RoundTransport<M extends AgreementMessage> {
  /** Delivers {@code sent}; returns, for each general id 0..n-1, what reached it. */
  List<List<M>> carry(int round, List<M> sent, int generals);
}
