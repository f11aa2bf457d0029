package dev.bft.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Taking back what a refused start or a failed import wrote, so that a refusal changes nothing. */
final class DataDirectories {
  private DataDirectories() {}

  /** Deletes {@code root}'s contents, and {@code root} itself unless {@code keepRoot} (it was there before). */
  static void deleteTree(Path root, boolean keepRoot) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        if (!keepRoot || !f.equals(root)) {
          Files.delete(f);
        }
      }
    }
  }
}
