package dev.bft.client.cli;

import dev.bft.client.BftClient;
import dev.bft.client.BftClientException;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.service.KvResult;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft client probe}: writes keys no one else writes and journals each one the cluster
 * acknowledged; {@code --verify} later reads every journaled key back. Nothing acknowledged may be
 * lost, so after a failure, a partition, an upgrade or a move to new machines, every line of the
 * journal must read back as written.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Write unique keys for a while and journal the acknowledged ones; with --verify, read a journal back.")
final class ProbeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, description = "the cluster file")
  Path config;

  @Option(names = "--journal", required = true, description = "file of acknowledged writes, one 'key<TAB>value' line each (appended to)")
  Path journal;

  @Option(names = "--verify", description = "read every write in the journal back instead of writing")
  boolean verify;

  @Option(names = "--duration", defaultValue = "30s", description = "how long to write, e.g. 30s or 2m (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--clients", defaultValue = "1", description = "client identities writing (or with --verify reading) at once, one operation in flight each (default: ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--deadline-ms", defaultValue = "10000",
      description = "a write with no answer by then is left out of the journal and the next one starts (default: ${DEFAULT-VALUE})")
  long deadlineMs;

  @Override
  public Integer call() throws Exception {
    if (deadlineMs <= 0) {
      throw new IllegalArgumentException("--deadline-ms " + deadlineMs + " is not positive");
    }
    ClusterConfig cluster = ClusterFile.load(config);
    List<Integer> ids = new ArrayList<>(cluster.clients().keySet());
    if (clients < 1 || clients > ids.size()) {
      throw new IllegalArgumentException("--clients " + clients + ": the cluster file has " + ids.size()
          + " client identities (bft keygen --clients N makes more)");
    }
    PrintWriter out = spec.commandLine().getOut();
    return verify ? verify(cluster, ids.subList(0, clients), out) : write(cluster, ids.subList(0, clients), out);
  }

  private BftClient connect(ClusterConfig cluster, int id) {
    Path keyFile = ClusterKeygen.clientKeyFile(config.toAbsolutePath().getParent(), id);
    return new BftClient(cluster, id, ClientCommand.readKey(keyFile, id), 1000)
        .defaultDeadline(Duration.ofMillis(deadlineMs));
  }

  private int write(ClusterConfig cluster, List<Integer> ids, PrintWriter out) throws Exception {
    long end = System.nanoTime() + LoadCommand.parseDuration(duration).toNanos();
    // the run's start time keeps keys of repeated runs against one cluster apart
    String run = Long.toString(System.currentTimeMillis(), 36);
    AtomicLong acked = new AtomicLong();
    AtomicLong unanswered = new AtomicLong();
    try (BufferedWriter w = Files.newBufferedWriter(journal, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      List<Thread> writers = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (int id : ids) {
        Thread t = new Thread(() -> {
          try (BftClient client = connect(cluster, id)) {
            for (long seq = 0; System.nanoTime() < end; seq++) {
              String key = "probe/" + run + "/" + id + "/" + seq;
              String value = "v" + seq + "-" + id;
              try {
                KvResult r = client.put(ClientCommand.bytes(key), ClientCommand.bytes(value)).join();
                if (r.status() != KvResult.Status.OK) {
                  throw new IllegalStateException("put " + key + " answered " + ClientCommand.describe(r));
                }
                synchronized (w) {
                  // journaled only once acknowledged, and flushed before the next write starts
                  w.write(key + "\t" + value + "\n");
                  w.flush();
                }
                acked.incrementAndGet();
              } catch (CompletionException e) {
                if (BftClientException.of(e) == null) {
                  throw e;
                }
                unanswered.incrementAndGet();
              }
            }
          } catch (Throwable e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        }, "probe-" + id);
        t.start();
        writers.add(t);
      }
      for (Thread t : writers) {
        t.join();
      }
      if (!failures.isEmpty()) {
        throw new IllegalStateException("a writer failed: " + failures.get(0).getMessage(), failures.get(0));
      }
    }
    out.printf("%d writes acknowledged and journaled in %s, %d without an answer by their deadline%n", acked.get(), journal,
        unanswered.get());
    return acked.get() > 0 ? 0 : 1;
  }

  /** Reads every journaled write back, the lines shared among the clients, each client one read at a time. */
  private int verify(ClusterConfig cluster, List<Integer> ids, PrintWriter out) throws Exception {
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.indexOf('\t') < 0) {
        throw new IllegalArgumentException(journal + ": '" + line + "' is not a journal line (key<TAB>value)");
      }
    }
    AtomicLong missing = new AtomicLong();
    List<Throwable> failures = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < ids.size(); r++) {
      int reader = r;
      Thread t = new Thread(() -> {
        try (BftClient client = connect(cluster, ids.get(reader))) {
          for (int i = reader; i < lines.size(); i += ids.size()) {
            String line = lines.get(i);
            String key = line.substring(0, line.indexOf('\t'));
            String value = line.substring(line.indexOf('\t') + 1);
            KvResult got = client.get(ClientCommand.bytes(key)).join();
            if (got.status() != KvResult.Status.VALUE || !value.equals(ClientCommand.describe(got))) {
              if (missing.incrementAndGet() <= 10) {
                synchronized (out) {
                  out.printf("LOST: %s was acknowledged as %s, reads %s%n", key, value, ClientCommand.describe(got));
                }
              }
            }
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      }, "verify-" + r);
      t.start();
      readers.add(t);
    }
    for (Thread t : readers) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a reader failed: " + failures.get(0).getMessage(), failures.get(0));
    }
    out.printf("%d of %d acknowledged writes read back as written%s%n", lines.size() - missing.get(), lines.size(),
        missing.get() == 0 ? "" : "; " + missing.get() + " LOST");
    return missing.get() == 0 && !lines.isEmpty() ? 0 : 1;
  }
}
