package dev.bft.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/bft} as a real process in a working directory of the test's, the way a user does. */
final class BftLauncher {
  static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/bft");

  record Run(int exit, String out, String err) {}

  private BftLauncher() {}

  /** Runs {@code bin/bft args} in {@code work}; a run that outlasts {@code timeoutSeconds} is killed (with its children) and fails the test. */
  static Run run(Path work, int timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    pb.environment().put("BFT_NO_BUILD", "1"); // the build running this test already made the classpath
    Path out = Files.createTempFile(work, "stdout", ".txt");
    Path err = Files.createTempFile(work, "stderr", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("bin/bft " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s: "
          + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
