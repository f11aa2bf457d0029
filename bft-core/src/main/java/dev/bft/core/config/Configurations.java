package dev.bft.core.config;

import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519PublicKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The canonical bytes of a configuration: what replicas agree on, sign a reconfiguration of and
 * hash into an epoch checkpoint (docs/reconfiguration.md). Only the replicated part is encoded,
 * never what is local to one machine (the data directory, the metrics host and ports), and in a
 * fixed binary layout with a version, so that replicas of different software versions and cluster
 * files written in different ways agree on one digest.
 *
 * <p>Layout v1, big-endian: {@code 'G' 1 epoch:8 f:4}, the replicas {@code n:4 (id:4 host-length:2
 * host port:4 key:32)*}, the clients and then the administrators {@code count:4 (id:4 key:32)*},
 * {@code admin-quorum:4}, then the protocol parameters in the order of {@link ProtocolParameters}.
 */
public final class Configurations {
  private static final byte TAG = 'G';
  private static final byte VERSION = 1;
  /** More than a cluster file could name (f is at most 100) or than fits a frame. */
  private static final int MAX_MEMBERS = 1 << 20;

  private Configurations() {}

  public static byte[] encode(ClusterConfig c) {
    ByteBuffer b = ByteBuffer.allocate(size(c));
    b.put(TAG).put(VERSION).putLong(c.epoch()).putInt(c.f());
    b.putInt(c.n());
    for (ReplicaEndpoint r : c.replicas().values()) {
      byte[] host = r.host().getBytes(StandardCharsets.UTF_8);
      b.putInt(r.id()).putShort((short) host.length).put(host).putInt(r.port()).put(r.publicKey().toBytes());
    }
    keys(b, c.clients());
    keys(b, c.admins());
    b.putInt(c.adminQuorum());
    ProtocolParameters p = c.parameters();
    b.putInt(p.batchSize()).putLong(p.batchDelayMillis()).putInt(p.pipelineDepth()).putInt(p.checkpointInterval())
        .putInt(p.logWindow()).putLong(p.viewChangeTimeoutMillis()).putLong(p.primaryIdleTimeoutMillis())
        .put((byte) p.durability().ordinal()).putLong(p.storageMapMegabytes()).putLong(p.batchLingerMillis())
        .put((byte) (p.tls() ? 1 : 0)).putLong(p.timestampSkewMillis()).putLong(p.serviceMapMegabytes())
        .putInt(p.replyDigestBytes());
    return b.array();
  }

  /** The digest a reconfiguration and an epoch checkpoint name a configuration by. */
  public static Digest digest(ClusterConfig c) {
    return Digest.sha256(new byte[] {TAG}, encode(c));
  }

  /**
   * The configuration {@code bytes} encode, with {@code dataDirectory} and {@code metricsHost}
   * local to this machine. Throws IllegalArgumentException on bytes that are not one, or that name
   * a configuration no cluster file could hold (checked by the cluster file's own rules).
   */
  public static ClusterConfig decode(byte[] bytes, Path dataDirectory, String metricsHost) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      if (b.get() != TAG || b.get() != VERSION) {
        throw new IllegalArgumentException("not a configuration of version " + VERSION);
      }
      long epoch = b.getLong();
      int f = b.getInt();
      int n = count(b, 4 + 2 + 4 + Ed25519PublicKey.SIZE);
      List<ReplicaEndpoint> replicas = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int id = b.getInt();
        byte[] host = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(host);
        int port = b.getInt();
        replicas.add(new ReplicaEndpoint(id, new String(host, StandardCharsets.UTF_8), port, key(b)));
      }
      NavigableMap<Integer, Ed25519PublicKey> clients = keys(b);
      NavigableMap<Integer, Ed25519PublicKey> admins = keys(b);
      int adminQuorum = b.getInt();
      ProtocolParameters p = new ProtocolParameters(b.getInt(), b.getLong(), b.getInt(), b.getInt(), b.getInt(),
          b.getLong(), b.getLong(), durability(b.get()), b.getLong(), b.getLong(), flag(b.get()), b.getLong(),
          b.getLong(), b.getInt());
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " bytes after the configuration");
      }
      // Held to the cluster file's rules: what could not be written as a cluster file is no configuration.
      // Where the epoch starts is no part of a configuration: it is known only when the one before ends.
      String text = ClusterFile.render(epoch, EpochStart.FIRST, f, replicas, clients, admins, adminQuorum, p, "data");
      ClusterConfig c = ClusterFile.parse("configuration of epoch " + epoch, text.lines().toList(), Path.of("."));
      return new ClusterConfig(c.f(), c.replicas(), c.clients(), c.parameters(), dataDirectory, metricsHost, c.epoch(),
          c.admins(), c.adminQuorum());
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("a configuration cut short");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static int size(ClusterConfig c) {
    int size = 2 + 8 + 4 + 4;
    for (ReplicaEndpoint r : c.replicas().values()) {
      size += 4 + 2 + r.host().getBytes(StandardCharsets.UTF_8).length + 4 + Ed25519PublicKey.SIZE;
    }
    size += 4 + c.clients().size() * (4 + Ed25519PublicKey.SIZE) + 4 + c.admins().size() * (4 + Ed25519PublicKey.SIZE);
    return size + 4 + (4 + 8 + 4 + 4 + 4 + 8 + 8 + 1 + 8 + 8 + 1 + 8 + 8 + 4);
  }

  private static void keys(ByteBuffer b, Map<Integer, Ed25519PublicKey> keys) {
    b.putInt(keys.size());
    keys.forEach((id, key) -> b.putInt(id).put(key.toBytes()));
  }

  private static NavigableMap<Integer, Ed25519PublicKey> keys(ByteBuffer b) {
    int count = count(b, 4 + Ed25519PublicKey.SIZE);
    NavigableMap<Integer, Ed25519PublicKey> keys = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      int id = b.getInt();
      if (keys.put(id, key(b)) != null) {
        throw new IllegalArgumentException("id " + id + " twice in a configuration");
      }
    }
    return keys;
  }

  /** A count, held to what the remaining bytes could hold before anything is allocated for it. */
  private static int count(ByteBuffer b, int eachAtLeast) {
    int count = b.getInt();
    if (count < 0 || count > MAX_MEMBERS || (long) count * eachAtLeast > b.remaining()) {
      throw new IllegalArgumentException("a configuration claims " + Integer.toUnsignedString(count) + " members in "
          + b.remaining() + " bytes");
    }
    return count;
  }

  private static Ed25519PublicKey key(ByteBuffer b) {
    byte[] k = new byte[Ed25519PublicKey.SIZE];
    b.get(k);
    return Ed25519PublicKey.fromBytes(k);
  }

  private static Durability durability(byte ordinal) {
    if (ordinal < 0 || ordinal >= Durability.values().length) {
      throw new IllegalArgumentException("durability " + ordinal + " is not one");
    }
    return Durability.values()[ordinal];
  }

  private static boolean flag(byte b) {
    if (b != 0 && b != 1) {
      throw new IllegalArgumentException("a flag of " + b);
    }
    return b == 1;
  }
}
