package dev.bft.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.cli.BftMain;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * deploy/compose.yaml and deploy/kubernetes/ against what docs/deploy.md tells the operator to run:
 * the keygen command written there makes a cluster file and keys, and the manifests must drop them
 * in as they are (names, ports, ids, one key per replica), and run the image this build made.
 */
class DeploymentManifestsTest {
  static final Path REPO = DeploymentImageTest.REPO;
  static final Path DEPLOY = REPO.resolve("deploy");
  static final Path KUBERNETES = DEPLOY.resolve("kubernetes");

  @TempDir
  static Path keygenOut;

  static ImageCommand image;

  @BeforeAll
  static void readImage() throws IOException {
    image = ImageCommand.of(ImageTarball.read(DeploymentImageTest.tarball()));
  }

  @Test
  void composeDropsInTheDocumentedKeygenOutput() throws IOException {
    Path clusterDir = DEPLOY.resolve("cluster");
    ClusterConfig cluster = keygenAsDocumented(clusterDir);
    assertThat(ComposeCheck.problems(compose(), DEPLOY, clusterDir, cluster, image)).isEmpty();
  }

  @Test
  void kubernetesDropsInTheDocumentedKeygenOutput() throws IOException {
    Path clusterDir = KUBERNETES.resolve("cluster");
    ClusterConfig cluster = keygenAsDocumented(clusterDir);
    assertThat(kubernetesProblems(Yamls.load(KUBERNETES.resolve("kustomization.yaml")), objects(), clusterDir, cluster)).isEmpty();
  }

  @Test
  void composeCheckFindsAReplicaWithAnotherReplicasKeyOrId() throws IOException {
    Path clusterDir = DEPLOY.resolve("cluster");
    ClusterConfig cluster = keygenAsDocumented(clusterDir);
    Map<String, Object> compose = compose();
    Map<String, Object> services = Yamls.map(compose.get("services"));
    @SuppressWarnings("unchecked")
    List<Object> volumes = (List<Object>) Yamls.map(services.get("bft-2")).get("volumes");
    volumes.replaceAll(v -> String.valueOf(v).replace("replica-2.key", "replica-3.key"));
    @SuppressWarnings("unchecked")
    Map<String, Object> env = (Map<String, Object>) Yamls.map(services.get("bft-1")).get("environment");
    env.put("BFT_REPLICA_ID", "2");
    @SuppressWarnings("unchecked")
    List<Object> clientVolumes = (List<Object>) Yamls.map(services.get("client")).get("volumes");
    clientVolumes.add("./cluster/keys/replica-0.key:/etc/bft/key:ro");
    assertThat(ComposeCheck.problems(compose, DEPLOY, clusterDir, cluster, image))
        .anyMatch(p -> p.contains("replica 2 (bft-2) mounts replica 3's key"))
        .anyMatch(p -> p.contains("bft-2 does not mount its key"))
        .anyMatch(p -> p.contains("BFT_REPLICA_ID=2, but bft-1 is replica 1"))
        .anyMatch(p -> p.contains("service client, not a replica, mounts replica 0's key"));
  }

  @Test
  void kubernetesCheckFindsAWrongPortAndAKeyInTheWrongPod() throws IOException {
    Path clusterDir = KUBERNETES.resolve("cluster");
    ClusterConfig cluster = keygenAsDocumented(clusterDir);
    List<Map<String, Object>> objects = objects();
    for (Map<String, Object> o : objects) {
      if ("StatefulSet".equals(o.get("kind")) && "bft-1".equals(Yamls.at(o, "metadata").get("name"))) {
        Map<String, Object> port = Yamls.map(containerOf(o).get("ports") instanceof List<?> l ? l.get(0) : null);
        port.put("containerPort", 7001);
      }
      if ("StatefulSet".equals(o.get("kind")) && "bft-3".equals(Yamls.at(o, "metadata").get("name"))) {
        @SuppressWarnings("unchecked")
        List<Object> volumes = (List<Object>) Yamls.at(o, "spec", "template", "spec").get("volumes");
        volumes.add(new java.util.HashMap<>(Map.of("name", "stolen", "secret", Map.of("secretName", "bft-replica-0-key"))));
      }
    }
    assertThat(kubernetesProblems(Yamls.load(KUBERNETES.resolve("kustomization.yaml")), objects, clusterDir, cluster))
        .anyMatch(p -> p.contains("replica 1 (bft-1): container ports [7001, 7004], the cluster file [7000, 7004]"))
        .anyMatch(p -> p.contains("replica 3 (bft-3): the pod has secret bft-replica-0-key, replica 0's key"));
  }

  @Test
  void kubernetesCheckFindsASecretMadeFromAClientKey() throws IOException {
    Path clusterDir = KUBERNETES.resolve("cluster");
    ClusterConfig cluster = keygenAsDocumented(clusterDir);
    Map<String, Object> kustomization = Yamls.load(KUBERNETES.resolve("kustomization.yaml"));
    @SuppressWarnings("unchecked")
    List<Object> files = (List<Object>) Yamls.map(Yamls.list(kustomization.get("secretGenerator")).get(2)).get("files");
    files.set(0, "key=cluster/keys/client-1000.key");
    assertThat(kubernetesProblems(kustomization, objects(), clusterDir, cluster))
        .anyMatch(p -> p.contains("secret bft-replica-2-key is made from") && p.contains("no replica key"))
        .anyMatch(p -> p.contains("replica 2 (bft-2): does not mount the Secret of its own key"));
  }

  private static List<String> kubernetesProblems(Map<String, Object> kustomization, List<Map<String, Object>> objects, Path clusterDir,
                                                 ClusterConfig cluster) throws IOException {
    return KubernetesCheck.problems(kustomization, manifestFiles(), objects, KUBERNETES, clusterDir, cluster, image);
  }

  /**
   * Runs the keygen command docs/deploy.md gives for {@code clusterDir} (writing into a temporary
   * directory instead) and returns the cluster, after checking that keygen wrote the files the
   * manifests name, at the same places relative to its output directory.
   */
  private static ClusterConfig keygenAsDocumented(Path clusterDir) throws IOException {
    String out = REPO.relativize(clusterDir).toString();
    Matcher m = Pattern.compile("bin/bft (keygen [^\\n`]*--out " + Pattern.quote(out) + ")(\\s|$)")
        .matcher(Files.readString(REPO.resolve("docs/deploy.md")));
    assertThat(m.find()).as("docs/deploy.md gives a keygen command with --out %s", out).isTrue();
    Path written = keygenOut.resolve(out);
    List<String> args = new ArrayList<>(List.of(m.group(1).replace("--out " + out, "--out " + written).split("\\s+")));
    args.add("--force");
    StringWriter err = new StringWriter();
    CommandLine cl = BftMain.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertThat(cl.execute(args.toArray(String[]::new))).as("bft %s: %s", args, err).isZero();
    ClusterConfig cluster = ClusterFile.load(written.resolve(ClusterKeygen.CLUSTER_FILE));
    for (int id : cluster.replicas().keySet()) {
      assertThat(ClusterKeygen.replicaKeyFile(written, id)).exists();
    }
    assertThat(ClusterKeygen.clientKeyFile(written, ClusterKeygen.FIRST_CLIENT_ID)).exists();
    return cluster;
  }

  private static Map<String, Object> compose() throws IOException {
    return Yamls.load(DEPLOY.resolve("compose.yaml"));
  }

  private static List<String> manifestFiles() throws IOException {
    try (Stream<Path> files = Files.list(KUBERNETES)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
          .sorted().toList();
    }
  }

  private static List<Map<String, Object>> objects() throws IOException {
    List<Map<String, Object>> all = new ArrayList<>();
    for (String file : manifestFiles()) {
      all.addAll(Yamls.loadAll(KUBERNETES.resolve(file)));
    }
    return all;
  }

  private static Map<String, Object> containerOf(Map<String, Object> statefulSet) {
    return Yamls.map(Yamls.list(Yamls.at(statefulSet, "spec", "template", "spec").get("containers")).get(0));
  }
}
