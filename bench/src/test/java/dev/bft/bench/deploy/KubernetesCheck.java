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
 * Holds deploy/kubernetes to the cluster file keygen writes into {@code clusterDir} and to the
 * image: per replica a headless Service and a StatefulSet of one pod named as its host, its id,
 * its ports, the ConfigMap of the cluster file and the Secret of its own key (made by the
 * kustomization from keygen's files) where the image's command reads them, and one claim for its
 * data. Returns the problems found, one line each.
 */
final class KubernetesCheck {
  private KubernetesCheck() {}

  /** A generator's entry: the object's name, the key inside it, and the file it is made from. */
  record Generated(String name, String key, Path file) {}

  static List<String> problems(Map<String, Object> kustomization, List<String> manifestFiles, List<Map<String, Object>> objects,
                               Path kustomizeDir, Path clusterDir, ClusterConfig cluster, ImageCommand image) {
    List<String> problems = new ArrayList<>();
    if (!new TreeSet<>(Yamls.list(kustomization.get("resources"))).equals(new TreeSet<Object>(manifestFiles))) {
      problems.add("kustomization: resources " + kustomization.get("resources") + " are not the manifests " + manifestFiles);
    }
    List<Generated> configMaps = generated(kustomization, "configMapGenerator", kustomizeDir);
    List<Generated> secrets = generated(kustomization, "secretGenerator", kustomizeDir);
    Path clusterFile = clusterDir.resolve(ClusterKeygen.CLUSTER_FILE).normalize();
    if (configMaps.stream().noneMatch(g -> g.file().equals(clusterFile))) {
      problems.add("kustomization: no configMapGenerator reads " + clusterFile);
    }
    Map<String, Integer> secretOwner = new HashMap<>();
    for (Generated s : secrets) {
      Integer holder = ComposeCheck.replicaKeyOf(s.file(), clusterDir, cluster);
      if (holder == null) {
        problems.add("kustomization: secret " + s.name() + " is made from " + s.file() + ", which is no replica key keygen writes");
      } else {
        secretOwner.put(s.name(), holder);
      }
    }
    if (new TreeSet<>(secretOwner.values()).size() != cluster.n() || secrets.size() != cluster.n()) {
      problems.add("kustomization: " + secrets.size() + " secrets for the keys of replicas " + new TreeSet<>(secretOwner.values())
          + ", expected one for each of the " + cluster.n() + " replicas");
    }
    Map<String, Map<String, Object>> services = byKind(objects, "Service");
    Map<String, Map<String, Object>> sets = byKind(objects, "StatefulSet");
    if (services.size() != cluster.n() || sets.size() != cluster.n()) {
      problems.add("kubernetes: " + services.size() + " Services and " + sets.size() + " StatefulSets for " + cluster.n() + " replicas");
    }
    for (ReplicaEndpoint r : cluster.replicas().values()) {
      String where = "kubernetes: replica " + r.id() + " (" + r.host() + "): ";
      Set<Integer> ports = new TreeSet<>(List.of(r.port(), r.metricsPort()));
      Map<String, Object> service = services.get(r.host());
      Map<String, Object> set = sets.get(r.host());
      if (service == null || set == null) {
        problems.add(where + "no Service and StatefulSet named " + r.host() + ", its host in the cluster file");
        continue;
      }
      Map<String, Object> serviceSpec = Yamls.map(service.get("spec"));
      if (!"None".equals(serviceSpec.get("clusterIP"))) {
        problems.add(where + "the Service is not headless (clusterIP: None)");
      }
      Set<Integer> servicePorts = new TreeSet<>();
      Yamls.list(serviceSpec.get("ports")).forEach(p -> servicePorts.add((Integer) Yamls.map(p).get("port")));
      if (!servicePorts.equals(ports)) {
        problems.add(where + "the Service has ports " + servicePorts + ", the cluster file " + ports);
      }
      Map<String, Object> spec = Yamls.map(set.get("spec"));
      Map<String, Object> labels = Yamls.at(spec, "template", "metadata", "labels");
      if (!labels.entrySet().containsAll(Yamls.map(serviceSpec.get("selector")).entrySet())) {
        problems.add(where + "the Service selects " + serviceSpec.get("selector") + ", the pod has labels " + labels);
      }
      if (!Integer.valueOf(1).equals(spec.get("replicas")) || !r.host().equals(spec.get("serviceName"))) {
        problems.add(where + "the StatefulSet must have replicas: 1 and serviceName: " + r.host());
      }
      Map<String, Object> pod = Yamls.at(spec, "template", "spec");
      List<Object> containers = Yamls.list(pod.get("containers"));
      if (containers.size() != 1) {
        problems.add(where + containers.size() + " containers, expected the replica's only");
        continue;
      }
      Map<String, Object> container = Yamls.map(containers.get(0));
      if (!image.name().equals(container.get("image"))) {
        problems.add(where + "runs image " + container.get("image") + ", the build makes " + image.name());
      }
      String id = null;
      for (Object e : Yamls.list(container.get("env"))) {
        if ("BFT_REPLICA_ID".equals(Yamls.map(e).get("name"))) {
          id = String.valueOf(Yamls.map(e).get("value"));
        }
      }
      if (!String.valueOf(r.id()).equals(id)) {
        problems.add(where + "BFT_REPLICA_ID is " + id);
      }
      Map<String, Integer> namedPorts = new HashMap<>();
      for (Object p : Yamls.list(container.get("ports"))) {
        namedPorts.put(String.valueOf(Yamls.map(p).get("name")), (Integer) Yamls.map(p).get("containerPort"));
      }
      if (!new TreeSet<>(namedPorts.values()).equals(ports)) {
        problems.add(where + "container ports " + new TreeSet<>(namedPorts.values()) + ", the cluster file " + ports);
      }
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        Object port = Yamls.at(container, probe, "tcpSocket").get("port");
        Integer number = port instanceof Integer i ? i : namedPorts.get(String.valueOf(port));
        if (port != null && !Integer.valueOf(r.port()).equals(number)) {
          problems.add(where + probe + " tries port " + port + ", the replica's is " + r.port());
        }
      }
      Object uid = Yamls.map(pod.get("securityContext")).get("runAsUser");
      if (uid != null && ((Number) uid).longValue() != image.uid()) {
        problems.add(where + "runAsUser " + uid + ", the image's user is " + image.uid());
      }
      problems.addAll(volumes(where, r, pod, container, spec, configMaps, secrets, secretOwner, clusterFile, cluster, image));
    }
    return problems;
  }

  private static List<String> volumes(String where, ReplicaEndpoint r, Map<String, Object> pod, Map<String, Object> container,
                                      Map<String, Object> spec, List<Generated> configMaps, List<Generated> secrets,
                                      Map<String, Integer> secretOwner, Path clusterFile, ClusterConfig cluster, ImageCommand image) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, Object>> volumes = new HashMap<>();
    for (Object v : Yamls.list(pod.get("volumes"))) {
      volumes.put(String.valueOf(Yamls.map(v).get("name")), Yamls.map(v));
      for (String secretName : secretNames(Yamls.map(v))) {
        Integer holder = secretOwner.get(secretName);
        if (holder == null || holder != r.id()) {
          problems.add(where + "the pod has secret " + secretName + (holder == null ? ", not a replica key" : ", replica " + holder + "'s key"));
        }
      }
    }
    List<Object> claims = Yamls.list(spec.get("volumeClaimTemplates"));
    boolean config = false;
    boolean key = false;
    boolean data = false;
    for (Object o : Yamls.list(container.get("volumeMounts"))) {
      Map<String, Object> m = Yamls.map(o);
      String target = String.valueOf(m.get("mountPath"));
      Map<String, Object> v = volumes.getOrDefault(String.valueOf(m.get("name")), Map.of());
      Object subPath = m.get("subPath");
      if (target.equals(image.config())) {
        String name = String.valueOf(Yamls.map(v.get("configMap")).get("name"));
        config = configMaps.stream().anyMatch(g -> g.name().equals(name) && g.key().equals(subPath) && g.file().equals(clusterFile))
            && Boolean.TRUE.equals(m.get("readOnly"));
      } else if (target.equals(image.key())) {
        String name = String.valueOf(Yamls.map(v.get("secret")).get("secretName"));
        key = secrets.stream().anyMatch(g -> g.name().equals(name) && g.key().equals(subPath)
            && g.file().equals(ClusterKeygen.replicaKeyFile(clusterFile.getParent(), r.id()).normalize()))
            && Boolean.TRUE.equals(m.get("readOnly"));
      } else if (target.equals(image.data())) {
        String claim = String.valueOf(m.get("name"));
        data = !volumes.containsKey(claim) && claims.size() == 1
            && claim.equals(Yamls.at(Yamls.map(claims.get(0)), "metadata").get("name"));
      }
    }
    if (!config) {
      problems.add(where + "does not mount the ConfigMap of " + clusterFile + " read-only at " + image.config());
    }
    if (!key) {
      problems.add(where + "does not mount the Secret of its own key read-only at " + image.key());
    }
    if (!data) {
      problems.add(where + "does not mount its one volume claim at " + image.data());
    } else {
      String size = String.valueOf(Yamls.at(Yamls.map(claims.get(0)), "spec", "resources", "requests").get("storage"));
      if (mebibytes(size) < cluster.parameters().storageMapMegabytes()) {
        problems.add(where + "its volume claim of " + size + " is smaller than storage.map.mb = "
            + cluster.parameters().storageMapMegabytes());
      }
    }
    return problems;
  }

  private static List<String> secretNames(Map<String, Object> volume) {
    List<String> names = new ArrayList<>();
    if (volume.containsKey("secret")) {
      names.add(String.valueOf(Yamls.map(volume.get("secret")).get("secretName")));
    }
    for (Object source : Yamls.list(Yamls.map(volume.get("projected")).get("sources"))) {
      if (Yamls.map(source).containsKey("secret")) {
        names.add(String.valueOf(Yamls.at(Yamls.map(source), "secret").get("name")));
      }
    }
    return names;
  }

  static long mebibytes(String quantity) {
    Map<String, Long> units = Map.of("Ki", 1L, "Mi", 1L << 10, "Gi", 1L << 20, "Ti", 1L << 30);
    for (Map.Entry<String, Long> u : units.entrySet()) {
      if (quantity.endsWith(u.getKey())) {
        return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * u.getValue() / 1024;
      }
    }
    return Long.parseLong(quantity) >> 20;
  }

  private static List<Generated> generated(Map<String, Object> kustomization, String generator, Path kustomizeDir) {
    List<Generated> all = new ArrayList<>();
    for (Object g : Yamls.list(kustomization.get(generator))) {
      String name = String.valueOf(Yamls.map(g).get("name"));
      for (Object f : Yamls.list(Yamls.map(g).get("files"))) {
        String file = String.valueOf(f);
        int eq = file.indexOf('=');
        Path path = kustomizeDir.resolve(eq < 0 ? file : file.substring(eq + 1)).normalize();
        all.add(new Generated(name, eq < 0 ? path.getFileName().toString() : file.substring(0, eq), path));
      }
    }
    return all;
  }

  private static Map<String, Map<String, Object>> byKind(List<Map<String, Object>> objects, String kind) {
    Map<String, Map<String, Object>> named = new HashMap<>();
    for (Map<String, Object> o : objects) {
      if (kind.equals(o.get("kind"))) {
        named.put(String.valueOf(Yamls.at(o, "metadata").get("name")), o);
      }
    }
    return named;
  }
}
