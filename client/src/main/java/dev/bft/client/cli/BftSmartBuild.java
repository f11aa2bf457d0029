package dev.bft.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A BFT-SMaRt source tree (a checkout, or a tarball of one) made runnable without Gradle: the
 * dependencies its build.gradle names fetched with Maven into the work directory, its sources
 * compiled with this JDK's javac. Each step is skipped when its inputs have not changed since the
 * last run in the same work directory.
 */
final class BftSmartBuild {
  /** The class the replicas run: its presence is what makes a directory a BFT-SMaRt tree here. */
  static final String SERVER = "bftsmart.demo.microbenchmarks.ThroughputLatencyServer";
  static final String CLIENT = "bftsmart.demo.microbenchmarks.ThroughputLatencyClient";
  /** The plugin that copies the dependencies, pinned so that a run does not depend on what the local repository holds. */
  static final String COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies";
  private static final Pattern DEPENDENCY = Pattern.compile(
      "^\\s*(?:implementation|api|compile|runtimeOnly)\\s*\\(?\\s*['\"]([\\w.\\-]+):([\\w.\\-]+):([\\w.\\-]+)['\"]",
      Pattern.MULTILINE);

  /** A built tree: its {@code config/} to copy for each JVM, and the class path to run it with. */
  record Built(Path tree, String classPath) {
    Path config() {
      return tree.resolve("config");
    }
  }

  private BftSmartBuild() {}

  /**
   * Checks {@code given} (a directory or a .tar.gz/.tgz/.tar) before anything runs, with a one-line
   * error naming what is missing.
   */
  static void check(Path given) {
    if (Files.isDirectory(given)) {
      root(given);
    } else if (!Files.isRegularFile(given)) {
      throw new IllegalArgumentException("bftsmart=" + given + ": no such directory or file");
    } else if (!isTarball(given)) {
      throw new IllegalArgumentException("bftsmart=" + given + ": expected a source directory or a .tar.gz, .tgz or .tar of one");
    }
  }

  private static boolean isTarball(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar");
  }

  /** {@code dir} itself or its one subdirectory that holds BFT-SMaRt's sources and config. */
  static Path root(Path dir) {
    for (Path candidate : candidates(dir)) {
      if (Files.isRegularFile(candidate.resolve(sourceOf(SERVER))) && Files.isDirectory(candidate.resolve("config"))) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("bftsmart=" + dir + ": no " + sourceOf(SERVER) + " beside a config/ directory "
        + "(expected a BFT-SMaRt checkout or tarball)");
  }

  private static List<Path> candidates(Path dir) {
    List<Path> all = new ArrayList<>(List.of(dir));
    try (Stream<Path> children = Files.list(dir)) {
      children.filter(Files::isDirectory).sorted().forEach(all::add);
    } catch (IOException e) {
      throw new IllegalArgumentException("bftsmart=" + dir + ": " + e.getMessage());
    }
    return all;
  }

  private static String sourceOf(String className) {
    return "src/main/java/" + className.replace('.', '/') + ".java";
  }

  /** The Maven coordinates (group:artifact:version) of the dependencies a build.gradle's text declares. */
  static List<String> dependencies(String buildGradle) {
    List<String> found = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(buildGradle);
    while (m.find()) {
      found.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
    }
    return found;
  }

  /** A POM whose dependencies are {@code coordinates}: what copy-dependencies fetches. */
  static String pom(List<String> coordinates) {
    StringBuilder pom = new StringBuilder("""
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.bft.against</groupId>
          <artifactId>bftsmart-dependencies</artifactId>
          <version>0</version>
          <packaging>pom</packaging>
          <dependencies>
        """);
    for (String c : coordinates) {
      String[] gav = c.split(":");
      pom.append("    <dependency><groupId>").append(gav[0]).append("</groupId><artifactId>").append(gav[1])
          .append("</artifactId><version>").append(gav[2]).append("</version></dependency>\n");
    }
    return pom.append("  </dependencies>\n</project>\n").toString();
  }

  /** Unpacks (if a tarball), fetches the dependencies and compiles, under {@code work}; logs to {@code work}/build.log. */
  static Built prepare(Path given, Path workDir, PrintWriter out) throws IOException, InterruptedException {
    check(given);
    Path work = workDir.toAbsolutePath(); // the steps run in directories of their own
    Files.createDirectories(work);
    Path log = work.resolve("build.log");
    Path tree;
    if (Files.isDirectory(given)) {
      tree = root(given.toAbsolutePath());
    } else {
      Path unpacked = work.resolve("source");
      String stamp = given.toAbsolutePath() + " " + Files.size(given) + " " + Files.getLastModifiedTime(given).toMillis();
      if (!stamp.equals(readStamp(unpacked))) {
        delete(unpacked);
        Files.createDirectories(unpacked);
        out.println("unpacking " + given + " into " + unpacked);
        out.flush();
        String flags = given.getFileName().toString().endsWith(".tar") ? "-xf" : "-xzf";
        run(List.of("tar", flags, given.toAbsolutePath().toString(), "-C", unpacked.toString()), work, log, "tar");
        Files.writeString(unpacked.resolve(".stamp"), stamp);
      }
      tree = root(unpacked.toAbsolutePath());
    }

    Path gradle = tree.resolve("build.gradle");
    List<String> coordinates = Files.exists(gradle) ? dependencies(Files.readString(gradle)) : List.of();
    if (coordinates.isEmpty()) {
      throw new IllegalArgumentException("bftsmart=" + given + ": found no dependencies ('implementation \"group:artifact:version\"') in "
          + gradle);
    }
    Path deps = work.resolve("deps").toAbsolutePath();
    String pom = pom(coordinates);
    if (!pom.equals(readStamp(deps))) {
      delete(deps);
      Files.createDirectories(deps);
      Files.writeString(deps.resolve("pom.xml"), pom);
      out.println("fetching " + String.join(", ", coordinates) + " with Maven into " + deps.resolve("lib"));
      out.flush();
      String mvn = System.getenv().getOrDefault("MVN", "mvn");
      run(List.of(mvn, "-B", "-q", "-f", deps.resolve("pom.xml").toString(), COPY_DEPENDENCIES,
          "-DoutputDirectory=" + deps.resolve("lib"), "-DincludeScope=runtime"), deps, log, "Maven (" + mvn + ")");
      Files.writeString(deps.resolve(".stamp"), pom);
    }

    List<Path> jars = new ArrayList<>(jarsIn(tree.resolve("lib")));
    jars.addAll(jarsIn(deps.resolve("lib")));
    String libraries = String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList());
    Path classes = work.resolve("classes").toAbsolutePath();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(tree.resolve("src/main/java"))) {
      sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    String fingerprint = fingerprint(sources) + "\n" + libraries;
    if (!fingerprint.equals(readStamp(classes))) {
      delete(classes);
      Files.createDirectories(classes);
      Path argFile = work.resolve("sources.txt");
      Files.write(argFile, sources.stream().map(p -> "\"" + p.toAbsolutePath() + "\"").toList());
      out.println("compiling " + sources.size() + " source files of " + tree + " into " + classes);
      out.flush();
      Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
      run(List.of(Files.isExecutable(javac) ? javac.toString() : "javac", "-nowarn", "-Xlint:none", "-proc:none",
          "-encoding", "UTF-8", "-d", classes.toString(), "-cp", libraries, "@" + argFile.toAbsolutePath()), work, log, "javac");
      Files.writeString(classes.resolve(".stamp"), fingerprint);
    }
    return new Built(tree, classes + java.io.File.pathSeparator + libraries);
  }

  private static List<Path> jarsIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.toString().endsWith(".jar")).map(Path::toAbsolutePath).sorted().toList();
    }
  }

  private static String fingerprint(List<Path> sources) throws IOException {
    long bytes = 0;
    long newest = 0;
    for (Path p : sources) {
      bytes += Files.size(p);
      newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
    }
    return sources.size() + " files, " + bytes + " bytes, newest " + newest;
  }

  private static String readStamp(Path dir) throws IOException {
    Path stamp = dir.resolve(".stamp");
    return Files.exists(stamp) ? Files.readString(stamp) : null;
  }

  static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * Runs a build step to its end, its output appended to {@code log}; fails naming the step and the
   * log. A Ctrl-C while it runs stops it too.
   */
  private static void run(List<String> command, Path dir, Path log, String step) throws IOException, InterruptedException {
    Files.writeString(log, "$ " + String.join(" ", command) + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new IllegalArgumentException(step + " could not be started: " + e.getMessage());
    }
    Thread stop = new Thread(p::destroyForcibly, "stop-" + step);
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException(step + " took more than 30 minutes; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalArgumentException(step + " failed with exit code " + p.exitValue() + "; see " + log);
      }
    } finally {
      p.destroyForcibly();
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }
}
