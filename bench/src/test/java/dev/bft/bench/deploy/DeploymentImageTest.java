package dev.bft.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.client.cli.BftMain;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import picocli.CommandLine;

/**
 * The container image that this build made with jib (bench/pom.xml), read from its tarball: it must
 * start what bin/bft starts, with the same JVM flags, main class and classpath, as {@code bft
 * replica} on the mounted configuration. The default build makes it on the empty base 'scratch'
 * (no registry here); {@code -Pimage} makes the runnable one, and this test then reads that.
 */
class DeploymentImageTest {
  static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  static final Path BENCH = REPO.resolve("bench");

  static ImageTarball image;

  @BeforeAll
  static void read() throws IOException {
    image = ImageTarball.read(tarball());
  }

  static Path tarball() {
    return Path.of(System.getProperty("bft.image.tar", BENCH.resolve("target/bft-image-scratch.tar").toString()));
  }

  /** The image name of the jib configuration, as Maven resolved it for this build. */
  static String imageName() {
    String name = System.getProperty("bft.image.name");
    assertThat(name).as("surefire passes bench/pom.xml's image.name as bft.image.name").isNotBlank();
    return name;
  }

  @Test
  void isTaggedWithTheNameOfTheJibConfiguration() {
    assertThat(image.repoTags).containsExactly(imageName());
  }

  @Test
  void entrypointIsTheLaunchersJavaCommand() throws IOException {
    Launcher launcher = Launcher.read(REPO.resolve("bin/bft"));
    List<String> expected = new ArrayList<>(List.of("java"));
    expected.addAll(launcher.jvmFlags());
    expected.addAll(List.of("-cp", "@/app/jib-classpath-file", launcher.mainClass()));
    assertThat(list(image.config.get("Entrypoint"))).isEqualTo(expected);
    assertThat(image.text("/app/jib-main-class-file").strip()).isEqualTo(launcher.mainClass());
  }

  @Test
  void commandIsBftReplicaOnTheMountedFilesWithItsIdFromTheEnvironment() {
    List<String> cmd = list(image.config.get("Cmd"));
    assertThat(cmd).first().isEqualTo("replica");
    CommandLine.ParseResult parsed = BftMain.commandLine().parseArgs(cmd.toArray(String[]::new));
    CommandLine.ParseResult replica = parsed.subcommand();
    assertThat(replica.commandSpec().name()).isEqualTo("replica");
    assertThat(replica.hasMatchedOption("--id")).as("the id comes from BFT_REPLICA_ID, per container").isFalse();
    assertThat((String) replica.matchedOptionValue("--bind", null)).isEqualTo("0.0.0.0");
    for (String option : List.of("--config", "--key", "--data")) {
      assertThat(replica.matchedOptionValue(option, (Path) null)).as(option).isNotNull();
    }
    assertThat(list(image.config.get("Env"))).noneMatch(e -> e.startsWith("BFT_REPLICA_ID="));
    assertThat(map(image.config.get("Volumes")).keySet())
        .containsExactly(ImageCommand.of(image).data());
  }

  @Test
  void runsAsAUserOtherThanRoot() {
    String user = (String) image.config.get("User");
    assertThat(user).isNotBlank();
    assertThat(user.split(":")[0]).isNotIn("0", "root");
  }

  @Test
  void dataVolumeMountPointIsWritableByThatUser() {
    String data = ImageCommand.of(image).data();
    ImageTarball.Entry mountPoint = image.entry(data);
    assertThat(mountPoint).as("%s in the image (a named volume starts as a copy of it, owner and mode too)", data).isNotNull();
    assertThat(mountPoint.directory()).isTrue();
    assertThat(mountPoint.mode() & 0777).as("mode of %s (jib makes every file root's)", data).isEqualTo(0777);
  }

  @Test
  void classpathIsTheLaunchersEveryJarAndClassOfIt() throws IOException {
    List<String> classpath = Arrays.asList(image.text("/app/jib-classpath-file").strip().split(":"));
    Set<String> launcherJars;
    try (Stream<Path> jars = Files.list(BENCH.resolve("target/lib"))) {
      launcherJars = jars.map(p -> "/app/libs/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(launcherJars).as("bench/target/lib, bin/bft's classpath").hasSizeGreaterThan(10);
    Set<String> imageJars = classpath.stream().filter(e -> e.startsWith("/app/libs/")).collect(Collectors.toCollection(TreeSet::new));
    assertThat(imageJars).isEqualTo(launcherJars);
    assertThat(classpath).contains("/app/classes");
    for (String entry : classpath) {
      assertThat(image.has(entry)).as("%s on the image's classpath is in its layers", entry).isTrue();
    }
    Path classes = BENCH.resolve("target/classes");
    try (Stream<Path> files = Files.walk(classes)) {
      List<String> missing = files.filter(p -> p.toString().endsWith(".class"))
          .map(p -> "/app/classes/" + classes.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !image.has(p)).toList();
      assertThat(missing).as("bench's classes (bin/bft's first classpath entry) missing from the image").isEmpty();
    }
  }

  @Test
  void mainClassIsInAJarOnTheClasspath() throws IOException {
    String mainClass = image.text("/app/jib-main-class-file").strip();
    String classFile = mainClass.replace('.', '/') + ".class";
    List<String> holders = new ArrayList<>();
    for (String entry : image.text("/app/jib-classpath-file").strip().split(":")) {
      ImageTarball.Entry jar = image.entry(entry);
      if (jar != null && !jar.directory() && contains(jar.content(), classFile)) {
        holders.add(entry);
      }
    }
    assertThat(holders).as("jars on the image's classpath holding %s", classFile).hasSize(1);
  }

  /** What the shipped image differs in from the one checked here: only its base and its file. */
  @Test
  void imageProfileChangesOnlyTheBaseAndTheTarball() throws Exception {
    Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(BENCH.resolve("pom.xml").toFile()).getDocumentElement();
    Element profile = null;
    for (Element p : children(child(pom, "profiles"), "profile")) {
      if (child(p, "id").getTextContent().equals("image")) {
        profile = p;
      }
    }
    assertThat(profile).as("bench/pom.xml has the 'image' profile").isNotNull();
    assertThat(children(profile, null)).extracting(Element::getTagName).containsExactlyInAnyOrder("id", "properties");
    assertThat(children(child(profile, "properties"), null)).extracting(Element::getTagName)
        .containsExactlyInAnyOrder("image.base", "image.tar", "image.skip");
  }

  private static boolean contains(byte[] jar, String name) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Element child(Element parent, String tag) {
    List<Element> found = children(parent, tag);
    assertThat(found).as("<%s> in <%s>", tag, parent.getTagName()).hasSize(1);
    return found.get(0);
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (tag == null || e.getTagName().equals(tag))) {
        out.add(e);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<String> list(Object o) {
    return o == null ? List.of() : (List<String>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  /** bin/bft's java line: the flags before -cp and the main class after its classpath. */
  record Launcher(List<String> jvmFlags, String mainClass) {
    static Launcher read(Path script) throws IOException {
      String text = Files.readString(script).replace("\\\n", " ");
      String line = text.lines().filter(l -> l.strip().startsWith("exec java ")).findFirst()
          .orElseThrow(() -> new AssertionError(script + " has no 'exec java' line"));
      List<String> words = List.of(line.strip().split("\\s+"));
      int cp = words.indexOf("-cp");
      assertThat(cp).as("-cp on bin/bft's java line").isPositive();
      List<String> flags = words.subList(2, cp).stream().filter(w -> !w.contains("$")).toList();
      return new Launcher(flags, words.get(cp + 2));
    }
  }
}
