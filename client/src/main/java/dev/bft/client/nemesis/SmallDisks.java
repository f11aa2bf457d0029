package dev.bft.client.nemesis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each replica's data directory on a file system of its own (a tmpfs of {@value #SIZE_MB} MiB), so
 * that the disk-full fault fills one replica's disk and no one else's. Filling writes a file until
 * the file system refuses; the replica's next write that needs a new page then fails, and a
 * replica that cannot persist must stop rather than answer (LMDB reuses freed pages, so a replica
 * may also run on through the fault). Mounting needs Linux and root; where it is not allowed the
 * fault is not offered, and {@link #unavailable} says why.
 */
final class SmallDisks implements AutoCloseable {
  static final int SIZE_MB = 64;
  private static final String FILLER = "nemesis-disk-filler";
  private final List<Path> mounted = new ArrayList<>();

  private SmallDisks() {}

  /** Why this machine cannot give a replica a small disk of its own, or null when it can. */
  static String unavailable() {
    Path probe = null;
    try {
      probe = Files.createTempDirectory("bft-disk-probe");
      String problem = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.toString());
      if (problem == null) {
        run("umount", probe.toString());
      }
      return problem == null ? null : "mounting a tmpfs for a replica's data failed (" + problem + "); it needs Linux and root";
    } catch (IOException e) {
      return "cannot try mounting a tmpfs: " + e.getMessage();
    } finally {
      try {
        if (probe != null) {
          Files.deleteIfExists(probe);
        }
      } catch (IOException ignored) {
        // a probe directory left behind is harmless
      }
    }
  }

  /** Mounts a small disk at each of {@code dataDirs} (creating them); unmounts what it mounted if one fails. */
  static SmallDisks mount(List<Path> dataDirs) throws IOException {
    SmallDisks disks = new SmallDisks();
    for (Path d : dataDirs) {
      Files.createDirectories(d);
      String problem = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE_MB + "m", "tmpfs", d.toString());
      if (problem != null) {
        disks.close();
        throw new IOException("cannot mount a tmpfs at " + d + ": " + problem);
      }
      disks.mounted.add(d);
    }
    return disks;
  }

  /** Unmounts disks an earlier run left mounted under {@code root} (it was killed before it could). */
  static void releaseLeftovers(Path root) {
    Path mounts = Path.of("/proc/self/mounts");
    if (!Files.isReadable(mounts)) {
      return;
    }
    try {
      String prefix = root.toAbsolutePath().normalize() + "/";
      for (String line : Files.readAllLines(mounts, StandardCharsets.UTF_8)) {
        String[] fields = line.split(" ");
        if (fields.length > 1 && fields[1].startsWith(prefix)) {
          run("umount", "-l", fields[1]);
        }
      }
    } catch (IOException e) {
      // nothing mounted that we can see: deleting the directory will say what is wrong
    }
  }

  /** Fills the disk under {@code dataDir} until it refuses; returns the bytes written. */
  static long fill(Path dataDir) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    long written = 0;
    try (FileChannel c = FileChannel.open(dataDir.resolve(FILLER), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (true) {
        chunk.clear();
        written += c.write(chunk);
      }
    } catch (IOException full) {
      if (written == 0 && !String.valueOf(full.getMessage()).contains("space")) {
        throw full;
      }
      return written;
    }
  }

  /** Frees what {@link #fill} took. */
  static void drain(Path dataDir) throws IOException {
    Files.deleteIfExists(dataDir.resolve(FILLER));
  }

  /** Unmounts every disk (lazily: a replica still holding files cannot keep its mount busy). */
  @Override
  public void close() {
    for (Path d : mounted) {
      run("umount", "-l", d.toString());
    }
    mounted.clear();
  }

  /** Runs a command; null when it exits 0, otherwise its output in one line. */
  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().replace('\n', ' ');
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + " did not finish in 30 s";
      }
      return p.exitValue() == 0 ? null : (out.isEmpty() ? String.join(" ", command) + " exited " + p.exitValue() : out);
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
