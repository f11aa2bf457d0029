package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The operation of a reconfiguration request: the changes that make epoch {@code epoch + 1}'s
 * configuration from epoch {@code epoch}'s, and the administrators' approvals, each a signature over
 * {@link #approved()} (docs/reconfiguration.md). The epoch names exactly one configuration, so
 * (epoch, changes) names the next one as surely as its digest would, and a replica checks the
 * signatures without knowing the configuration yet.
 *
 * <p>Layout, big-endian: {@code 'R' 1 epoch:8 changes:2 change*} (what is approved), then
 * {@code approvals:1 (admin:4 signature:64)*}. A change is a kind byte and its fields; a host is
 * {@code length:2 UTF-8}, a key 32 bytes.
 */
public record Reconfiguration(long epoch, List<Change> changes, List<Approval> approvals) {
  /** The signature domain of an approval: no message type has it, so no message's signature verifies as one. */
  public static final int APPROVAL_DOMAIN = 0x5243;
  public static final int SIGNATURE_BYTES = 64;
  private static final byte TAG = 'R';
  private static final byte VERSION = 1;

  public Reconfiguration {
    changes = List.copyOf(changes);
    approvals = List.copyOf(approvals);
  }

  /** One administrator's signature over {@link #approved()}. */
  public record Approval(int admin, byte[] signature) {}

  /** One change to a configuration. */
  public sealed interface Change permits AddReplica, RemoveReplica, ReplaceReplica, AddClient, RemoveClient, ReplaceClientKey {}

  /** A replica joins with the next id, n. */
  public record AddReplica(String host, int port, Ed25519PublicKey key) implements Change {}

  /** Replica {@code id} leaves; the replica with the last id takes its id (ids stay 0..n-1). */
  public record RemoveReplica(int id) implements Change {}

  /** Replica {@code id} moves to another machine or key (a dead machine replaced, a key rotated). */
  public record ReplaceReplica(int id, String host, int port, Ed25519PublicKey key) implements Change {}

  public record AddClient(int id, Ed25519PublicKey key) implements Change {}

  public record RemoveClient(int id) implements Change {}

  public record ReplaceClientKey(int id, Ed25519PublicKey key) implements Change {}

  /** The bytes the administrators sign: the epoch and the changes. */
  public byte[] approved() {
    // Larger than a REQUEST's operation may be: a reconfiguration that does not fit is refused by the client.
    ByteBuffer b = ByteBuffer.allocate(1 << 17);
    b.put(TAG).put(VERSION).putLong(epoch).putShort((short) changes.size());
    for (Change c : changes) {
      put(b, c);
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  public byte[] encode() {
    byte[] approved = approved();
    ByteBuffer b = ByteBuffer.allocate(approved.length + 1 + approvals.size() * (4 + SIGNATURE_BYTES));
    b.put(approved).put((byte) approvals.size());
    for (Approval a : approvals) {
      b.putInt(a.admin()).put(a.signature());
    }
    return b.array();
  }

  /** The same changes with {@code approval} added. */
  public Reconfiguration approvedBy(Approval approval) {
    List<Approval> all = new ArrayList<>(approvals);
    all.add(approval);
    return new Reconfiguration(epoch, changes, all);
  }

  /**
   * Parses an operation; IllegalArgumentException on bytes that are not one. The bytes come from a
   * client: every count is held to the bytes present.
   */
  public static Reconfiguration decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      if (b.get() != TAG || b.get() != VERSION) {
        throw new IllegalArgumentException("not a reconfiguration of version " + VERSION);
      }
      long epoch = b.getLong();
      int count = Short.toUnsignedInt(b.getShort());
      if (count > b.remaining() / 5) {
        throw new IllegalArgumentException(count + " changes claimed in " + b.remaining() + " bytes");
      }
      List<Change> changes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        changes.add(change(b));
      }
      int approvals = Byte.toUnsignedInt(b.get());
      if (approvals * (4 + SIGNATURE_BYTES) != b.remaining()) {
        throw new IllegalArgumentException(approvals + " approvals claimed in " + b.remaining() + " bytes");
      }
      List<Approval> list = new ArrayList<>();
      for (int i = 0; i < approvals; i++) {
        int admin = b.getInt();
        byte[] signature = new byte[SIGNATURE_BYTES];
        b.get(signature);
        list.add(new Approval(admin, signature));
      }
      return new Reconfiguration(epoch, changes, list);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("a reconfiguration cut short");
    }
  }

  /**
   * The configuration of epoch {@code current.epoch() + 1}: {@code current} with the changes made in
   * order. IllegalArgumentException, saying why, when this reconfiguration is not of {@code
   * current}'s epoch or its changes do not make a configuration (an unknown id, n not 3f + 1, an
   * address or id used twice). A pure function of its inputs: every replica decides alike.
   */
  public ClusterConfig applyTo(ClusterConfig current) {
    if (epoch != current.epoch()) {
      throw new IllegalArgumentException("it changes epoch " + epoch + "; the configuration is of epoch " + current.epoch());
    }
    if (changes.isEmpty()) {
      throw new IllegalArgumentException("it changes nothing");
    }
    List<ReplicaEndpoint> replicas = new ArrayList<>(current.replicas().values());
    NavigableMap<Integer, Ed25519PublicKey> clients = new TreeMap<>(current.clients());
    for (Change c : changes) {
      if (c instanceof AddReplica a) {
        replicas.add(new ReplicaEndpoint(replicas.size(), a.host(), a.port(), a.key()));
      } else if (c instanceof RemoveReplica r) {
        member(replicas, r.id());
        ReplicaEndpoint last = replicas.remove(replicas.size() - 1);
        if (last.id() != r.id()) {
          replicas.set(r.id(), new ReplicaEndpoint(r.id(), last.host(), last.port(), last.publicKey()));
        }
      } else if (c instanceof ReplaceReplica r) {
        member(replicas, r.id());
        replicas.set(r.id(), new ReplicaEndpoint(r.id(), r.host(), r.port(), r.key()));
      } else if (c instanceof AddClient a) {
        if (clients.put(a.id(), a.key()) != null) {
          throw new IllegalArgumentException("client " + a.id() + " is enrolled already");
        }
      } else if (c instanceof RemoveClient r) {
        if (clients.remove(r.id()) == null) {
          throw new IllegalArgumentException("client " + r.id() + " is not enrolled");
        }
      } else if (c instanceof ReplaceClientKey r) {
        if (clients.replace(r.id(), r.key()) == null) {
          throw new IllegalArgumentException("client " + r.id() + " is not enrolled");
        }
      }
    }
    int n = replicas.size();
    if (n < 4 || (n - 1) % 3 != 0) {
      throw new IllegalArgumentException("it leaves " + n + " replicas; a cluster has 3f + 1 (4, 7, 10, ...)");
    }
    int f = (n - 1) / 3;
    long staying = replicas.stream().filter(r -> current.idOf(r.publicKey()) >= 0).count();
    if (staying < f + 1) {
      // The new members fetch the epoch's start from those that stay: f + 1 hold a correct one.
      throw new IllegalArgumentException("it keeps " + staying + " of the replicas with their keys; at least f + 1 = "
          + (f + 1) + " must stay (replace the others in a later epoch)");
    }
    TreeMap<Integer, ReplicaEndpoint> byId = new TreeMap<>();
    replicas.forEach(r -> byId.put(r.id(), r));
    ClusterConfig next = new ClusterConfig(f, byId, clients, current.parameters(), current.dataDirectory(),
        current.metricsHost(), current.epoch() + 1, current.admins(), current.adminQuorum());
    // Held to the cluster file's rules (addresses and ids used once, ids apart) through the canonical bytes.
    ClusterConfig checked = Configurations.decode(Configurations.encode(next), current.dataDirectory(), current.metricsHost());
    return checked.localTo(current);
  }

  private static void member(List<ReplicaEndpoint> replicas, int id) {
    if (id < 0 || id >= replicas.size()) {
      throw new IllegalArgumentException("replica " + id + " is not in the configuration (ids 0.." + (replicas.size() - 1) + ")");
    }
  }

  private static final byte ADD_REPLICA = 1;
  private static final byte REMOVE_REPLICA = 2;
  private static final byte REPLACE_REPLICA = 3;
  private static final byte ADD_CLIENT = 4;
  private static final byte REMOVE_CLIENT = 5;
  private static final byte REPLACE_CLIENT_KEY = 6;

  private static void put(ByteBuffer b, Change c) {
    if (c instanceof AddReplica a) {
      b.put(ADD_REPLICA);
      address(b, a.host(), a.port());
      b.put(a.key().toBytes());
    } else if (c instanceof RemoveReplica r) {
      b.put(REMOVE_REPLICA).putInt(r.id());
    } else if (c instanceof ReplaceReplica r) {
      b.put(REPLACE_REPLICA).putInt(r.id());
      address(b, r.host(), r.port());
      b.put(r.key().toBytes());
    } else if (c instanceof AddClient a) {
      b.put(ADD_CLIENT).putInt(a.id()).put(a.key().toBytes());
    } else if (c instanceof RemoveClient r) {
      b.put(REMOVE_CLIENT).putInt(r.id());
    } else if (c instanceof ReplaceClientKey r) {
      b.put(REPLACE_CLIENT_KEY).putInt(r.id()).put(r.key().toBytes());
    }
  }

  private static void address(ByteBuffer b, String host, int port) {
    byte[] h = host.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) h.length).put(h).putInt(port);
  }

  private static Change change(ByteBuffer b) {
    byte kind = b.get();
    switch (kind) {
      case ADD_REPLICA: {
        String host = host(b);
        return new AddReplica(host, b.getInt(), key(b));
      }
      case REMOVE_REPLICA:
        return new RemoveReplica(b.getInt());
      case REPLACE_REPLICA: {
        int id = b.getInt();
        String host = host(b);
        return new ReplaceReplica(id, host, b.getInt(), key(b));
      }
      case ADD_CLIENT:
        return new AddClient(b.getInt(), key(b));
      case REMOVE_CLIENT:
        return new RemoveClient(b.getInt());
      case REPLACE_CLIENT_KEY:
        return new ReplaceClientKey(b.getInt(), key(b));
      default:
        throw new IllegalArgumentException("change kind " + kind + " is not one");
    }
  }

  private static String host(ByteBuffer b) {
    byte[] h = new byte[Short.toUnsignedInt(b.getShort())];
    b.get(h);
    return new String(h, StandardCharsets.UTF_8);
  }

  private static Ed25519PublicKey key(ByteBuffer b) {
    byte[] k = new byte[Ed25519PublicKey.SIZE];
    b.get(k);
    return Ed25519PublicKey.fromBytes(k);
  }
}
