package dev.bft.bench.deploy;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.config.ReplicaEndpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Holds deploy/compose.yaml to the cluster file that keygen writes into {@code clusterDir} and to
 * the image: one service per replica, named as its host, with its id, the cluster file and its own
 * key read-only where the image's command reads them, and a data volume of its own. Returns the
 * problems found, one line each, so that a test can also show it finding planted ones.
 */
final class ComposeCheck {
  private ComposeCheck() {}

  static List<String> problems(Map<String, Object> compose, Path composeDir, Path clusterDir, ClusterConfig cluster,
                               ImageCommand image) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> services = Yamls.map(compose.get("services"));
    Set<String> declaredVolumes = Yamls.map(compose.get("volumes")).keySet();
    Map<String, String> volumeOwner = new HashMap<>();
    Set<Integer> wantedPorts = new TreeSet<>();
    int replicaServices = 0;
    for (Map.Entry<String, Object> s : services.entrySet()) {
      String name = s.getKey();
      Map<String, Object> service = Yamls.map(s.getValue());
      if (!image.name().equals(service.get("image"))) {
        problems.add("compose: service " + name + " runs image " + service.get("image") + ", the build makes " + image.name());
      }
      String id = environment(service).get("BFT_REPLICA_ID");
      List<Mount> mounts = mounts(service);
      if (id == null) {
        for (Mount m : mounts) {
          Integer holder = replicaKeyOf(composeDir.resolve(m.source()).normalize(), clusterDir, cluster);
          if (holder != null) {
            problems.add("compose: service " + name + ", not a replica, mounts replica " + holder + "'s key " + m.source());
          }
        }
        continue;
      }
      replicaServices++;
      ReplicaEndpoint r = replicaNamed(cluster, name);
      if (r == null) {
        problems.add("compose: replica service " + name + " is no replica's host in the cluster file");
        continue;
      }
      wantedPorts.add(r.port());
      wantedPorts.add(r.metricsPort());
      if (!id.equals(String.valueOf(r.id()))) {
        problems.add("compose: service " + name + " sets BFT_REPLICA_ID=" + id + ", but " + name + " is replica " + r.id());
      }
      String health = String.valueOf(Yamls.map(service.get("healthcheck")).get("test"));
      if (!health.contains("/dev/tcp/127.0.0.1/" + r.port() + "]") && !health.contains("/dev/tcp/127.0.0.1/" + r.port() + ",")) {
        problems.add("compose: service " + name + "'s healthcheck " + health + " does not try replica port " + r.port());
      }
      boolean config = false;
      boolean key = false;
      boolean data = false;
      for (Mount m : mounts) {
        Path source = composeDir.resolve(m.source()).normalize();
        if (m.target().equals(image.config())) {
          config = source.equals(clusterDir.resolve(ClusterKeygen.CLUSTER_FILE).normalize()) && m.readOnly();
        } else if (m.target().equals(image.key())) {
          key = source.equals(ClusterKeygen.replicaKeyFile(clusterDir, r.id()).normalize()) && m.readOnly();
        } else if (m.target().equals(image.data())) {
          String other = volumeOwner.putIfAbsent(m.source(), name);
          data = declaredVolumes.contains(m.source()) && other == null;
        } else {
          problems.add("compose: service " + name + " mounts " + m.source() + " at " + m.target() + ", which the replica does not read");
        }
        Integer holder = replicaKeyOf(source, clusterDir, cluster);
        if (holder != null && holder != r.id()) {
          problems.add("compose: replica " + r.id() + " (" + name + ") mounts replica " + holder + "'s key " + m.source());
        }
      }
      if (!config) {
        problems.add("compose: " + name + " does not mount " + clusterDir.resolve(ClusterKeygen.CLUSTER_FILE) + " read-only at " + image.config());
      }
      if (!key) {
        problems.add("compose: " + name + " does not mount its key " + ClusterKeygen.replicaKeyFile(clusterDir, r.id())
            + " read-only at " + image.key());
      }
      if (!data) {
        problems.add("compose: " + name + " has no declared named volume of its own at " + image.data());
      }
    }
    if (replicaServices != cluster.n()) {
      problems.add("compose: " + replicaServices + " replica services, the cluster file has " + cluster.n() + " replicas");
    }
    if (!wantedPorts.equals(image.exposedPorts())) {
      problems.add("compose: the replicas use ports " + wantedPorts + ", the image exposes " + image.exposedPorts());
    }
    return problems;
  }

  static ReplicaEndpoint replicaNamed(ClusterConfig cluster, String host) {
    return cluster.replicas().values().stream().filter(r -> r.host().equals(host)).findFirst().orElse(null);
  }

  /** The replica whose key file keygen wrote at {@code file}, or null. */
  static Integer replicaKeyOf(Path file, Path clusterDir, ClusterConfig cluster) {
    for (int id : cluster.replicas().keySet()) {
      if (file.equals(ClusterKeygen.replicaKeyFile(clusterDir, id).normalize())) {
        return id;
      }
    }
    return null;
  }

  record Mount(String source, String target, boolean readOnly) {}

  static List<Mount> mounts(Map<String, Object> service) {
    List<Mount> mounts = new ArrayList<>();
    for (Object v : Yamls.list(service.get("volumes"))) {
      if (v instanceof String s) {
        String[] parts = s.split(":");
        mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && List.of(parts[2].split(",")).contains("ro")));
      } else {
        Map<String, Object> m = Yamls.map(v);
        mounts.add(new Mount(String.valueOf(m.get("source")), String.valueOf(m.get("target")), Boolean.TRUE.equals(m.get("read_only"))));
      }
    }
    return mounts;
  }

  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new HashMap<>();
    Object e = service.get("environment");
    if (e instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
    } else {
      for (Object line : Yamls.list(e)) {
        String[] kv = String.valueOf(line).split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return env;
  }
}
