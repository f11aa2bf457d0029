package dev.bft.core.agreement;

import java.util.List;

/**
 * One participant of a synchronous-round agreement: in round r it receives what was sent to it in
 * round r - 1 and says what it sends in round r. Loyal generals follow the algorithm; traitors may
 * send anything they can (they cannot forge another general's signature).
 *
 * @param <M> the message type (oral or signed)
 */
public interface General<M extends AgreementMessage> {
  int id();

  /** Round {@code round}'s messages from this general, given what it received in the previous round. */
  List<M> round(int round, List<M> received);

  /** The value a lieutenant decided after the last round; null for the commander and for traitors. */
  String decision();
}
