package dev.bft.client.cli;

import dev.bft.core.sim.check.KvHistory;
import dev.bft.core.sim.check.KvHistoryFile;
import dev.bft.core.sim.check.LinearizabilityChecker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bft check-history FILE}: is a recorded key-value history linearizable (docs/linearizability.md)? */
@Command(name = "check-history", mixinStandardHelpOptions = true,
    description = "Check that a recorded key-value history is linearizable (file format: docs/linearizability.md).",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:linearizable", "1:not linearizable (the explanation follows the verdict)",
        "2:the file cannot be read or a line is malformed", "3:undecided: the search outgrew --limit"})
final class CheckHistoryCommand implements Callable<Integer> {
  static final int LINEARIZABLE = 0;
  static final int NOT_LINEARIZABLE = 1;
  static final int UNREADABLE = 2;
  static final int UNDECIDED = 3;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the history, one operation per line")
  Path file;

  @Option(names = "--limit", description = "configurations one key's search may hold before giving up (default: ${DEFAULT-VALUE})",
      defaultValue = "" + LinearizabilityChecker.DEFAULT_LIMIT)
  int limit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (limit < 1) {
      throw new IllegalArgumentException("--limit " + limit + " must be at least 1");
    }
    List<KvHistory.Event> events;
    try {
      events = KvHistoryFile.read(file);
    } catch (IOException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("bft check-history: " + (e instanceof java.nio.file.NoSuchFileException
          ? file + ": no such file" : e.getMessage()));
      return UNREADABLE;
    }
    long start = System.nanoTime();
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(events, limit);
    String took = String.format("%.1f s", (System.nanoTime() - start) / 1e9);
    switch (r.verdict()) {
      case LINEARIZABLE -> out.println(file + ": " + r.explanation() + " in " + took);
      case NOT_LINEARIZABLE -> out.println(file + ": NOT linearizable (" + took + "): " + r.explanation());
      case UNDECIDED -> out.println(file + ": UNDECIDED (" + took + "): " + r.explanation());
    }
    out.flush();
    return switch (r.verdict()) {
      case LINEARIZABLE -> LINEARIZABLE;
      case NOT_LINEARIZABLE -> NOT_LINEARIZABLE;
      case UNDECIDED -> UNDECIDED;
    };
  }
}
