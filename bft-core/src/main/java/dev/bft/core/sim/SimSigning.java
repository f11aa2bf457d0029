package dev.bft.core.sim;

import dev.bft.core.message.Request;
import dev.bft.core.message.codec.ClusterBounds;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.HashMap;
import java.util.Map;

/** Deterministic test keys for simulations whose replicas persist signed records (LMDB mode). */
final class SimSigning {
  final MessageDecoder decoder;
  final MessageEncoder[] replicaEncoders;
  private final Map<Integer, MessageEncoder> clientEncoders = new HashMap<>();

  SimSigning(int replicas, int clients, ClusterBounds cluster) {
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    replicaEncoders = new MessageEncoder[replicas];
    for (int i = 0; i < replicas; i++) {
      Ed25519KeyPair k = Ed25519KeyPair.forTesting(i);
      replicaKeys.put(i, k.publicKey());
      replicaEncoders[i] = new MessageEncoder(i, k);
    }
    Map<Integer, Ed25519PublicKey> clientKeys = new HashMap<>();
    for (int c = 0; c < clients; c++) {
      int id = Simulation.FIRST_CLIENT_ID + c;
      Ed25519KeyPair k = Ed25519KeyPair.forTesting(id);
      clientKeys.put(id, k.publicKey());
      clientEncoders.put(id, new MessageEncoder(id, k));
    }
    decoder = new MessageDecoder(KeyDirectory.of(replicaKeys, clientKeys), cluster);
  }

  /** The frame of a replica's message as its sender signed it (or as received, if it carries its wire form). */
  byte[] frame(dev.bft.core.message.ReplicaMessage m) {
    return replicaEncoders[m.sender()].encode(m);
  }

  /** The frame of a request as its client signed it; null for a client without a key here. */
  byte[] frame(Request r) {
    MessageEncoder client = clientEncoders.get(r.clientId());
    return client == null ? null : client.encode(r.wire() == null ? sign(r) : r);
  }

  /** The request as its client signs it (what a replica receives from the wire). */
  Request sign(Request r) {
    return (Request) decoder.decode(clientEncoders.get(r.clientId()).encode(r)).message();
  }
}
