package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a stranger can hold of a replica before it authenticates: sockets per address, and new ones per second. */
class PreAuthGateTest {
  final List<String> refusals = new ArrayList<>();

  @Test
  void connectionsOverTheBoundFromOneAddressAreClosedAtOnceAndAPlaceFreesWhenOneAuthenticates() {
    PreAuthGate gate = new PreAuthGate(2, 100, 1_000, refusals::add);
    EmbeddedChannel first = new EmbeddedChannel(gate);
    EmbeddedChannel second = new EmbeddedChannel(gate);
    EmbeddedChannel third = new EmbeddedChannel(gate);
    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();
    assertThat(third.isOpen()).isFalse();
    assertThat(refusals).containsExactly("PRE_AUTH_CONNECTIONS");
    first.pipeline().fireUserEventTriggered(Handshake.Authenticated.EVENT);
    assertThat(gate.held()).isEqualTo(1);
    assertThat(new EmbeddedChannel(gate).isOpen()).as("the authenticated link gave its place back").isTrue();
    second.close();
    assertThat(gate.held()).isEqualTo(1);
  }

  @Test
  void newConnectionsFromOneAddressAreRefusedOverTheirRate() {
    PreAuthGate gate = new PreAuthGate(100, 100, 1, refusals::add); // a burst of 2, then one a second
    assertThat(new EmbeddedChannel(gate).isOpen()).isTrue();
    assertThat(new EmbeddedChannel(gate).isOpen()).isTrue();
    assertThat(new EmbeddedChannel(gate).isOpen()).isFalse();
    assertThat(refusals).containsExactly("PRE_AUTH_RATE");
  }

  @Test
  void theTotalBoundHoldsOverEveryAddress() {
    PreAuthGate gate = new PreAuthGate(100, 1, 1_000, refusals::add);
    assertThat(new EmbeddedChannel(gate).isOpen()).isTrue();
    assertThat(new EmbeddedChannel(gate).isOpen()).isFalse();
    assertThat(refusals).containsExactly("PRE_AUTH_CONNECTIONS");
  }
}
