package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.channel.ChannelPipeline;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** How a client process sets up its link to a replica: TLS when the cluster has it, frames, the handshake as one identity. */
public final class ClientSide {
  private static final int MAX_FRAME = 64 << 20;

  private ClientSide() {}

  /** TLS for a client process authenticating as {@code key}'s identity, trusting the cluster's replicas only; null when TLS is off. */
  public static LinkTls tls(ClusterConfig config, Ed25519KeyPair key, String name) {
    if (!config.parameters().tls()) {
      return null;
    }
    Set<Ed25519PublicKey> replicas = new HashSet<>();
    config.replicas().values().forEach(r -> replicas.add(r.publicKey()));
    return new LinkTls(key, name, replicas);
  }

  /**
   * The pipeline of a link to {@code replica} authenticated as {@code clientId}; {@code up} is
   * told when the replica has proven itself, with the nonce further identities answer.
   */
  public static Consumer<ChannelPipeline> link(ClusterConfig config, LinkTls tls, int replica, int clientId,
                                               MessageEncoder encoder, MessageDecoder decoder, Handshake.Established up) {
    var target = config.replica(replica);
    Handshake.Ends ends = new Handshake.Ends(clientId, encoder, decoder,
        (ctx, id) -> LinkTls.peerHolds(ctx, config.replica(id).publicKey()), MAX_FRAME);
    return p -> {
      if (tls != null) {
        tls.connecting(p, target.host(), target.port());
      }
      Frames.install(p);
      p.addLast("handshake", Handshake.connecting(ends, replica, reason -> { }, up));
    };
  }
}
