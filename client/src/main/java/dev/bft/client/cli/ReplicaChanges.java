package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.HostPort;
import dev.bft.core.config.Reconfiguration;
import dev.bft.core.config.ReplicaEndpoint;
import dev.bft.crypto.Ed25519KeyPair;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replica changes one {@code bft reconfigure} asks for, in an order that keeps every id meaning
 * the replica it named when typed: replacements and rotations first, then removals from the highest
 * id down (a removal moves the last replica into the removed id), then additions, then what
 * {@code --f} still needs. New keys go to {@code keys} (docs/reconfiguration.md).
 */
final class ReplicaChanges {
  private ReplicaChanges() {}

  static List<Reconfiguration.Change> of(ClusterConfig current, ReconfigureCommand.Change asked, Path keys,
                                         Map<Path, Ed25519KeyPair> newKeys) {
    SecureRandom random = new SecureRandom();
    List<Reconfiguration.Change> changes = new ArrayList<>();
    for (int i = 0; i < asked.replace.size(); i += 2) {
      int id = id(asked.replace.get(i), "--replace");
      HostPort at = HostPort.parse(asked.replace.get(i + 1));
      Ed25519KeyPair k = Ed25519KeyPair.generate(random);
      newKeys.put(keys.resolve("replica-" + id + ".key"), k);
      changes.add(new Reconfiguration.ReplaceReplica(id, at.host(), at.port(), k.publicKey()));
    }
    for (int id : asked.rotateKey) {
      ReplicaEndpoint r = current.replicas().get(id);
      if (r == null) {
        throw new IllegalArgumentException("--rotate-key " + id + ": no such replica (ids 0.." + (current.n() - 1) + ")");
      }
      Ed25519KeyPair k = Ed25519KeyPair.generate(random);
      newKeys.put(keys.resolve("replica-" + id + ".key.next"), k);
      changes.add(new Reconfiguration.ReplaceReplica(id, r.host(), r.port(), k.publicKey()));
    }
    int n = current.n();
    List<Integer> removals = new ArrayList<>(new java.util.TreeSet<>(asked.remove));
    removals.sort(Comparator.reverseOrder());
    for (int id : removals) {
      changes.add(new Reconfiguration.RemoveReplica(id));
      n--;
    }
    List<HostPort> additions = new ArrayList<>();
    asked.add.forEach(a -> additions.add(HostPort.parse(a)));
    n += additions.size();
    if (asked.f != null) {
      int target = 3 * asked.f + 1;
      if (asked.f < 1) {
        throw new IllegalArgumentException("--f " + asked.f + ": f is at least 1");
      }
      if (n < target && removals.isEmpty()) {
        additions.addAll(freeAddresses(current, target - n));
        n = target;
      }
      while (n > target && additions.isEmpty() && n - 1 >= 0) {
        changes.add(new Reconfiguration.RemoveReplica(n - 1));
        n--;
      }
      if (n != target) {
        throw new IllegalArgumentException("--f " + asked.f + " needs " + target + " replicas; the other changes leave " + n);
      }
    }
    int next = n - additions.size();
    for (HostPort a : additions) {
      Ed25519KeyPair k = Ed25519KeyPair.generate(random);
      newKeys.put(keys.resolve("replica-" + next++ + ".key"), k);
      changes.add(new Reconfiguration.AddReplica(a.host(), a.port(), k.publicKey()));
    }
    return changes;
  }

  /** {@code count} addresses on the last replica's host, on the first ports above every port the cluster uses. */
  private static List<HostPort> freeAddresses(ClusterConfig current, int count) {
    ReplicaEndpoint last = current.replicas().lastEntry().getValue();
    Set<Integer> used = new HashSet<>();
    int highest = 0;
    for (ReplicaEndpoint r : current.replicas().values()) {
      used.add(r.port());
      used.add(r.metricsPort());
      highest = Math.max(highest, Math.max(r.port(), r.metricsPort()));
    }
    List<HostPort> out = new ArrayList<>();
    for (int port = highest + 1; out.size() < count; port++) {
      if (port > 65_535) {
        throw new IllegalArgumentException("no free ports left above " + highest + " on " + last.host());
      }
      if (!used.contains(port)) {
        out.add(new HostPort(last.host(), port));
      }
    }
    return out;
  }

  private static int id(String text, String option) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " " + text + ": not a replica id");
    }
  }
}
