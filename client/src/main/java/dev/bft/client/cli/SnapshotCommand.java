package dev.bft.client.cli;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.runtime.SnapshotExport;
import dev.bft.core.runtime.SnapshotFile;
import dev.bft.core.runtime.SnapshotImport;
import dev.bft.core.service.Services;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bft snapshot}: a stable checkpoint's state as a file that proves itself, to seed a replica or keep a backup. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = "Export a running replica's stable checkpoint to a file, check one, or seed a new replica's data directory from one.",
    subcommands = {SnapshotCommand.Export.class, SnapshotCommand.Import.class, SnapshotCommand.Verify.class})
final class SnapshotCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every subcommand shares, and its mistakes told in one line. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "the cluster file")
    Path config;

    /** The snapshot file the command writes or reads. */
    abstract Path file();

    abstract int run(ClusterConfig cluster, PrintWriter out) throws Exception;

    @Override
    public Integer call() throws Exception {
      ClusterConfig cluster = ClusterFile.load(config);
      try {
        return run(cluster, spec.commandLine().getOut());
      } catch (SnapshotFile.Malformed e) {
        throw new IllegalArgumentException("snapshot file " + file() + ": " + e.getMessage(), e);
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e); // no replica there, or it refused: said in one line
      }
    }

    Path dataOf(ClusterConfig cluster, int id, Path data) {
      if (!cluster.replicas().containsKey(id)) {
        throw new IllegalArgumentException("--id " + id + " is not a replica of " + config + " (ids 0.." + (cluster.n() - 1) + ")");
      }
      return data != null ? data : cluster.dataDirectory().resolve("replica-" + id);
    }
  }

  /** A command that reads a snapshot file with a service to decode its chunks. */
  abstract static class Reading extends Base {
    @Option(names = "--in", required = true, description = "the snapshot file")
    Path in;

    @Option(names = "--service", defaultValue = Services.DEFAULT,
        description = "the replicated service the file's state belongs to, as the replicas run it (default: ${DEFAULT-VALUE})")
    String service;

    @Override
    Path file() {
      return in;
    }

    /** The file, which must exist. */
    Path input() {
      if (!Files.isRegularFile(in)) {
        throw new IllegalArgumentException("snapshot file " + in + " does not exist");
      }
      return in;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the stable checkpoint of the replica running on this machine to a file (the replica keeps serving).")
  static final class Export extends Base {
    @Option(names = "--id", required = true, description = "the replica to export from: it must run on this machine")
    int id;

    @Option(names = "--data", description = "its data directory (default: <data.dir>/replica-<id> from the cluster file)")
    Path data;

    @Option(names = "--out", required = true, description = "the snapshot file to write")
    Path out;

    @Override
    Path file() {
      return out;
    }

    @Override
    int run(ClusterConfig cluster, PrintWriter print) throws Exception {
      SnapshotExport.Summary s = SnapshotExport.export(cluster, dataOf(cluster, id, data), out);
      print.printf("exported checkpoint %d of replica %d to %s (%d chunks, %d bytes, proof checked)%n", s.sequence(), id,
          out, s.chunks(), s.bytes());
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Seed a new replica's empty data directory with a snapshot file, checked against its proof; then start the replica on it.")
  static final class Import extends Reading {
    @Option(names = "--id", required = true, description = "the replica to seed")
    int id;

    @Option(names = "--data", description = "its data directory, empty or absent (default: <data.dir>/replica-<id> from the cluster file)")
    Path data;

    @Option(names = "--joining", description = "seed a replica the next reconfiguration adds (its id is not in this "
        + "file yet), before the request, so that it starts warm: started with the new epoch's file, it fetches only "
        + "what changed since the snapshot")
    boolean joining;

    @Override
    int run(ClusterConfig cluster, PrintWriter print) throws Exception {
      if (joining) {
        Path dir = data != null ? data : cluster.dataDirectory().resolve("replica-" + id);
        SnapshotImport.Imported r = SnapshotImport.warm(cluster, id, dir, Services.find(service)::create, input());
        print.printf("imported checkpoint %d into %s (%d chunks staged, %d bytes read); once the reconfiguration "
            + "adding replica %d is done, start it on it with the new cluster file%n", r.sequence(), dir,
            r.chunksInstalled(), r.bytes(), id);
        return 0;
      }
      Path dir = dataOf(cluster, id, data);
      SnapshotImport.Imported r = SnapshotImport.run(cluster, id, dir, Services.find(service)::create, input());
      print.printf("imported checkpoint %d into %s (%d chunks staged, %d bytes read); start replica %d on it%n",
          r.sequence(), dir, r.chunksInstalled(), r.bytes(), id);
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check a snapshot file as import would (proof, digests, chunks), into a temporary directory removed afterwards.")
  static final class Verify extends Reading {
    @Override
    int run(ClusterConfig cluster, PrintWriter print) throws Exception {
      SnapshotImport.Imported r = SnapshotImport.verify(cluster, Services.find(service)::create, input());
      print.printf("snapshot file %s holds checkpoint %d of this cluster, proven and whole (%d chunks checked, the others"
          + " as in an empty state)%n", in, r.sequence(), r.chunksInstalled());
      return 0;
    }
  }
}
