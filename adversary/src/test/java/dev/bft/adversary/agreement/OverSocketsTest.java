package dev.bft.adversary.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.SignedOrder;
import dev.bft.core.agreement.Values;
import dev.bft.core.runtime.AgreementSockets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generals' rounds carried over real loopback sockets as signed envelopes decide as in memory. */
class OverSocketsTest {

  @Test
  void omOverTcpMatchesTheInMemoryRun() throws Exception {
    for (int traitor = 0; traitor < 4; traitor++) {
      var inMemory = Generals.oral(4, 1, Values.ATTACK, Set.of(traitor), Generals.Strategy.EQUIVOCATE);
      try (AgreementSockets<OralMessage> tcp = new AgreementSockets<>(Generals.testKeys(4), false, 5000)) {
        var overTcp = Generals.oral(4, 1, Values.ATTACK, Set.of(traitor), Generals.Strategy.EQUIVOCATE, tcp);
        assertThat(overTcp.ic().holds()).as(overTcp.ic().explanation()).isTrue();
        assertThat(overTcp.run().decisions()).isEqualTo(inMemory.run().decisions());
        assertThat(overTcp.run().messageCount()).isEqualTo(inMemory.run().messageCount());
      }
    }
  }

  @Test
  void threeGeneralsFailOverTcpTooAndSignedOrdersFixIt() throws Exception {
    try (AgreementSockets<OralMessage> tcp = new AgreementSockets<>(Generals.testKeys(3), false, 5000)) {
      var o = Generals.oral(3, 1, Values.ATTACK, Set.of(2), Generals.Strategy.LIE, tcp);
      assertThat(o.ic().ic2()).isFalse();
    }
    try (AgreementSockets<SignedOrder> tcp = new AgreementSockets<>(Generals.testKeys(3), true, 5000)) {
      var o = Generals.signed(3, 1, Values.ATTACK, Set.of(0), Generals.Strategy.EQUIVOCATE, tcp);
      assertThat(o.ic().holds()).as(o.ic().explanation()).isTrue();
    }
  }
}
