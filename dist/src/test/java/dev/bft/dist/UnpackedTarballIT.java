package dev.bft.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.FreePorts;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball is all a machine needs: unpacked into a directory of its own, with a working directory
 * and an environment that know nothing of the source tree, its {@code bin/bft} generates keys, starts
 * replica processes from its own {@code lib/}, runs the demo client through them and stops them.
 * The demo is the ledger's ({@code --service ledger --demo-only}), the one run of it in the default
 * tests; the key-value demo runs in LauncherProcessTest and NetnsClusterProcessTest.
 *
 * <p>An integration test (failsafe, {@code mvn verify}), as the tarball exists only after {@code
 * package}; see dist/pom.xml.
 */
class UnpackedTarballIT {
  private static final String VERSION = System.getProperty("bft.version", "");
  private static final Path TARBALL = Path.of(System.getProperty("bft.tarball", "target/bft-" + VERSION + ".tar.gz"));
  private static final Path SOURCE_TREE = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  private static final Path SOURCE_TREE_LIB = Path.of(System.getProperty("bft.sourceTreeLib", "../bench/target/lib"));
  /** This project's modules, which lib/ must hold as jars: bin/bft in the source tree runs bench's classes beside bench/target/lib. */
  private static final List<String> MODULES = List.of("crypto", "storage", "bft-core", "client", "adversary", "bench");

  @TempDir
  Path temp;

  record Run(int exit, String out, String err) {}

  @Test
  void theUnpackedTarballGeneratesKeysAndRunsALocalClusterFromItsOwnLib() throws Exception {
    Path home = unpack();
    assertThat(home.resolve("bin/bft")).isExecutable();
    // one launcher for both layouts, so the JVM's flags cannot drift apart between them
    assertThat(home.resolve("bin/bft")).hasSameTextualContentAs(SOURCE_TREE.resolve("bin/bft"));
    assertThat(home.resolve("pom.xml")).doesNotExist();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("docs/operations.md")).isRegularFile();
    assertThat(home.resolve("deploy/systemd/bft-replica@.service")).isRegularFile();
    assertThat(missingJars(home.resolve("lib"), expectedJars())).as("jars bin/bft needs that lib/ lacks").isEmpty();
    assertThat(ClusterFile.load(home.resolve("conf/cluster.conf.example")).n()).as("the example cluster file parses").isEqualTo(4);

    Path work = Files.createDirectories(temp.resolve("work"));
    int basePort = FreePorts.consecutive(8); // 4 replica ports, then their 4 metrics ports
    Run keygen = bft(home, work, 120, "keygen", "--replicas", "4", "--base-port", String.valueOf(basePort), "--out", "c");
    assertThat(keygen.exit()).as(keygen.out() + keygen.err()).isZero();
    assertThat(work.resolve("c/keys/replica-3.key")).isRegularFile();

    ProcessBuilder pb = launcher(home, work, "cluster", "--dir", "c", "--service", "ledger", "--operations", "3", "--demo-only");
    Path out = temp.resolve("cluster-out.txt");
    Path err = temp.resolve("cluster-err.txt");
    Process cluster = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    Map<String, ProcessHandle> replicas = new TreeMap<>();
    Map<String, String> commandLines = new TreeMap<>();
    String launcherCommandLine = "";
    try {
      // Generous: four JVMs start on a 2-core machine that other builds share.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
      while (cluster.isAlive() && System.nanoTime() < deadline) {
        if (!launcherCommandLine.contains("BftMain")) {
          launcherCommandLine = commandLine(cluster.toHandle()); // bin/bft execs java: the same process
        }
        cluster.descendants().forEach(h -> {
          String commandLine = commandLine(h);
          Matcher id = Pattern.compile(" replica .*--id (\\d+)").matcher(commandLine);
          if (id.find()) {
            replicas.putIfAbsent(id.group(1), h);
            commandLines.putIfAbsent(id.group(1), commandLine);
          }
        });
        cluster.waitFor(100, TimeUnit.MILLISECONDS);
      }
      assertThat(cluster.isAlive()).as("bin/bft cluster still runs after 8 minutes: " + Files.readString(out)).isFalse();
    } finally {
      if (cluster.isAlive()) {
        cluster.descendants().forEach(ProcessHandle::destroyForcibly);
        cluster.destroyForcibly();
      }
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String diagnostics = stdout + Files.readString(err, StandardCharsets.UTF_8) + replicaLogs(work.resolve("c/logs"));
    assertThat(cluster.exitValue()).as(diagnostics).isZero();
    assertThat(stdout).as(diagnostics).contains("started 4 replica processes", "every result as expected", "stopped the replicas");
    assertLedgerDemo(stdout, diagnostics);

    assertThat(launcherCommandLine).as("bin/bft cluster's command line")
        .contains(home.resolve("lib").toString(), "-XX:+ExitOnOutOfMemoryError", "java.base/java.nio=ALL-UNNAMED",
            "java.base/sun.nio.ch=ALL-UNNAMED")
        .doesNotContain(SOURCE_TREE.toString());
    try {
      assertThat(replicas.keySet()).as("replica processes seen under bin/bft cluster").containsExactly("0", "1", "2", "3");
      for (Map.Entry<String, String> replica : commandLines.entrySet()) {
        assertThat(replica.getValue()).as("replica %s's command line", replica.getKey())
            .contains(home.resolve("lib").toString(), "-XX:+ExitOnOutOfMemoryError", "java.base/java.nio=ALL-UNNAMED")
            .doesNotContain(SOURCE_TREE.toString());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (Map.Entry<String, ProcessHandle> replica : replicas.entrySet()) {
        while (replica.getValue().isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(replica.getValue().isAlive()).as("replica %s after bin/bft cluster exited", replica.getKey()).isFalse();
      }
    } finally {
      replicas.values().forEach(ProcessHandle::destroyForcibly); // a replica the launcher left behind must not outlive the test
    }
    assertThat(Files.readString(work.resolve("c/logs/replica-0.log"))).contains("replica 0 running on");
  }

  /**
   * What the ledger demo printed with {@code --operations 3}: four accounts funded with 1000 each,
   * transfers of 1, 38 and 75 (accounts 0 to 1, 1 to 0, 2 to 3), one transfer of a unit more than
   * account 0 holds, refused, and the balances and supply that follow. Account numbers differ each
   * run, so each line is matched as a pattern.
   */
  private static void assertLedgerDemo(String stdout, String diagnostics) {
    assertThat(Pattern.compile("(?m)^open account \\d+ and deposit 1000 -> OK balance 1000$").matcher(stdout).results().count())
        .as("accounts opened and funded\n" + diagnostics).isEqualTo(4);
    for (String line : List.of(
        "transfer 1 from \\d+ to \\d+ -> OK balance 999",
        "transfer 38 from \\d+ to \\d+ -> OK balance 963",
        "transfer 75 from \\d+ to \\d+ -> OK balance 925",
        "transfer 1038 from \\d+ \\(holds 1037\\) -> INSUFFICIENT_FUNDS",
        "balance of \\d+ -> OK balance 1037 \\(expected 1037\\)",
        "balance of \\d+ -> OK balance 963 \\(expected 963\\)",
        "balance of \\d+ -> OK balance 925 \\(expected 925\\)",
        "balance of \\d+ -> OK balance 1075 \\(expected 1075\\)",
        "supply -> SUPPLY deposited \\d+, withdrawn \\d+, \\d+ accounts; these accounts hold 4000, 4000 deposited: "
            + "no money created or destroyed")) {
      assertThat(stdout).as(diagnostics).containsPattern("(?m)^" + line + "$");
    }
  }

  /** The jar check is what fails when the assembly leaves a library out, even one the demo happens not to load. */
  @Test
  void theJarCheckNamesAJarLibLacks() throws IOException {
    Path lib = Files.createDirectories(temp.resolve("lib"));
    for (String jar : List.of("client-1.jar", "netty-common-4.jar")) {
      Files.createFile(lib.resolve(jar));
    }
    assertThat(missingJars(lib, List.of("client-1.jar", "lmdbjava-0.9.3.jar", "netty-common-4.jar"))).containsExactly("lmdbjava-0.9.3.jar");
    assertThat(missingJars(lib, List.of("client-1.jar", "netty-common-4.jar"))).isEmpty();
  }

  /** The jars of bin/bft's classpath in the source tree, and this project's modules as jars. */
  private static List<String> expectedJars() throws IOException {
    assertThat(SOURCE_TREE_LIB).as("the source tree's launcher classpath (built by 'mvn package' before this test)").isDirectory();
    List<String> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCE_TREE_LIB)) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).forEach(jars::add);
    }
    assertThat(jars).as("jars in " + SOURCE_TREE_LIB).isNotEmpty();
    MODULES.forEach(m -> jars.add(m + "-" + VERSION + ".jar"));
    return jars;
  }

  static List<String> missingJars(Path lib, List<String> expected) throws IOException {
    TreeSet<String> missing = new TreeSet<>(expected);
    try (Stream<Path> files = Files.list(lib)) {
      files.forEach(p -> missing.remove(p.getFileName().toString()));
    }
    return List.copyOf(missing);
  }

  private Path unpack() throws IOException, InterruptedException {
    assertThat(TARBALL).as("the tarball 'mvn package' makes in dist/target").isRegularFile();
    Path into = Files.createDirectories(temp.resolve("opt"));
    Process tar = new ProcessBuilder("tar", "xzf", TARBALL.toString(), "-C", into.toString()).redirectErrorStream(true).start();
    String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(2, TimeUnit.MINUTES)).as("tar finished").isTrue();
    assertThat(tar.exitValue()).as("tar xzf: " + output).isZero();
    return into.resolve("bft-" + VERSION);
  }

  /**
   * bin/bft from the unpacked tree, in {@code work}, with an environment that names nothing of the
   * source tree: only a PATH (without the source tree's entries, with this JVM's java first) and a
   * HOME of its own, so nothing Maven or the IDE exported can leak a classpath into the run.
   */
  private ProcessBuilder launcher(Path home, Path work, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/bft").toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("this JVM's java is unknown"));
    String path = Stream.concat(Stream.of(Path.of(java).getParent().toString()),
            Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)))
        .filter(entry -> !entry.isEmpty() && !Path.of(entry).toAbsolutePath().startsWith(SOURCE_TREE))
        .distinct().collect(Collectors.joining(File.pathSeparator));
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", path);
    env.put("HOME", Files.createDirectories(temp.resolve("home")).toString());
    return pb;
  }

  private Run bft(Path home, Path work, int timeoutSeconds, String... args) throws IOException, InterruptedException {
    Path out = temp.resolve("out.txt");
    Path err = temp.resolve("err.txt");
    Process p = launcher(home, work, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("bin/bft " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s: " + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * The whole command line, from /proc: ProcessHandle.Info leaves out the arguments of a command line
   * longer than a page, and a replica's expanded class path under a temporary directory is longer.
   */
  private static String commandLine(ProcessHandle process) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException gone) {
      return process.info().commandLine().orElse("");
    }
  }

  private static String replicaLogs(Path logs) throws IOException {
    if (!Files.isDirectory(logs)) {
      return "";
    }
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        all.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
      }
    }
    return all.toString();
  }
}
