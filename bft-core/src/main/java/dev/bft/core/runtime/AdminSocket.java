package dev.bft.core.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's door for operator tools on its own machine: a Unix domain socket in its data
 * directory ({@code admin.sock}, mode 0600). Whoever may open it may read the data directory
 * anyway, so the file system's permissions are its authentication, and nothing on the network
 * reaches it. A tool writes one command line and reads the answer: {@code OK} and the command's
 * bytes, or {@code ERROR} and why, on one line.
 *
 * <p>A command runs on a thread of its own, at most {@link #CONCURRENT} at once (an export streams
 * the whole state; a tool that connects and never reads must not stop another).
 */
final class AdminSocket implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);
  static final String FILE = "admin.sock";
  static final int CONCURRENT = 2;
  /** A command is a word; a longer line is not one. */
  private static final int MAX_LINE = 256;

  /** What a command does with the tool's connection after the {@code OK} line; it throws {@link Refused} to answer ERROR instead. */
  interface Command {
    void run(OutputStream out, Runnable ok) throws IOException;
  }

  /** A command that cannot be done now: the tool is told why. */
  static final class Refused extends RuntimeException {
    Refused(String why) {
      super(why);
    }
  }

  private final Path path;
  private final String name;
  private final Map<String, Command> commands;
  private final Semaphore running = new Semaphore(CONCURRENT);
  private ServerSocketChannel server;

  AdminSocket(Path dataDirectory, String name, Map<String, Command> commands) {
    this.path = dataDirectory.resolve(FILE);
    this.name = name;
    this.commands = Map.copyOf(commands);
  }

  static Path of(Path dataDirectory) {
    return dataDirectory.resolve(FILE);
  }

  /** Listens; if the socket cannot be made (a path too long for one), the replica runs on without it and says so. */
  void start() {
    try {
      // A socket file left by a killed process: the data directory's lock says none of ours is using it.
      Files.deleteIfExists(path);
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: no admin socket at {} ({}); bft snapshot export cannot reach this replica", name, path, e.toString());
      closeQuietly();
      return;
    }
    Thread accept = new Thread(this::acceptLoop, name + "-admin");
    accept.setDaemon(true);
    accept.start();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel c;
      try {
        c = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!running.tryAcquire()) {
        answerAndClose(c, "ERROR " + CONCURRENT + " admin commands are running already; try again when one ends");
        continue;
      }
      Thread t = new Thread(() -> {
        try {
          serve(c);
        } finally {
          running.release();
        }
      }, name + "-admin-command");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel c) {
    try (c; InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
      String line = readLine(in);
      Command command = line == null ? null : commands.get(line);
      if (command == null) {
        out.write(("ERROR unknown command " + (line == null ? "(none)" : "'" + line + "'") + "; known: "
            + String.join(", ", new java.util.TreeSet<>(commands.keySet())) + "\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      boolean[] answered = {false};
      try {
        command.run(out, () -> {
          answered[0] = true;
          write(out, "OK");
        });
      } catch (Refused r) {
        if (!answered[0]) {
          write(out, "ERROR " + r.getMessage());
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      LOG.info("{}: an admin command ended early: {}", name, e.toString()); // the tool went away
    }
  }

  private static void write(OutputStream out, String line) {
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void answerAndClose(SocketChannel c, String line) {
    try (c; OutputStream out = Channels.newOutputStream(c)) {
      write(out, line);
    } catch (IOException | java.io.UncheckedIOException e) {
      // the tool went away
    }
  }

  /** One line of at most {@link #MAX_LINE} bytes, or null. */
  static String readLine(InputStream in) throws IOException {
    byte[] b = new byte[MAX_LINE];
    int n = 0;
    while (true) {
      int r = in.read();
      if (r < 0) {
        return n == 0 ? null : new String(b, 0, n, StandardCharsets.UTF_8);
      }
      if (r == '\n') {
        return new String(b, 0, n, StandardCharsets.UTF_8);
      }
      if (n == MAX_LINE) {
        return null;
      }
      b[n++] = (byte) r;
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (server != null) {
        server.close();
      }
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.debug("{}: closing the admin socket: {}", name, e.toString());
    }
  }
}
