package dev.bft.core.sim.check;

import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The text form of a key-value history (docs/linearizability.md, The history file): one operation
 * per line, {@code client invoked completed|unknown|fail op key [args] [-> result]}, bytes written
 * bare when they are plain ASCII and as {@code 0x}-prefixed hex otherwise. Clients that record
 * histories from real processes write it; {@code bft check-history} and tests read it.
 */
public final class KvHistoryFile {
  private static final String ABSENT = "absent";
  private static final HexFormat HEX = HexFormat.of();

  private KvHistoryFile() {}

  /** Appends events to a file as they happen; safe to share between client threads. */
  public static final class HistoryWriter implements Closeable, Flushable {
    private final Writer out;

    public HistoryWriter(Writer out) {
      this.out = out;
    }

    public static HistoryWriter create(Path file) throws IOException {
      return new HistoryWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public synchronized void append(KvHistory.Event e) throws IOException {
      out.write(format(e));
      out.write('\n');
    }

    @Override
    public synchronized void flush() throws IOException {
      out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
      out.close();
    }
  }

  public static void write(Path file, List<KvHistory.Event> events) throws IOException {
    try (HistoryWriter w = HistoryWriter.create(file)) {
      for (KvHistory.Event e : events) {
        w.append(e);
      }
    }
  }

  public static List<KvHistory.Event> read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    } catch (UncheckedIOException e) {
      throw new IOException(file + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Parses a whole history; a malformed line is an IllegalArgumentException naming {@code source} and the line. */
  public static List<KvHistory.Event> parse(Reader in, String source) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    List<KvHistory.Event> events = new ArrayList<>();
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      try {
        events.add(parseLine(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + number + ": " + e.getMessage(), e);
      }
    }
    return events;
  }

  /** One line, without its newline. */
  public static String format(KvHistory.Event e) {
    StringBuilder b = new StringBuilder().append(e.client()).append(' ').append(e.invoked()).append(' ');
    switch (e.outcome()) {
      case OK -> b.append(e.completed());
      case FAIL -> b.append("fail");
      case UNKNOWN -> b.append("unknown");
    }
    KvOperation op = e.op();
    if (op instanceof KvOperation.Get) {
      b.append(" get ").append(bytes(op.key()));
    } else if (op instanceof KvOperation.Put p) {
      b.append(" put ").append(bytes(op.key())).append(' ').append(bytes(p.value()));
    } else if (op instanceof KvOperation.Delete) {
      b.append(" delete ").append(bytes(op.key()));
    } else {
      KvOperation.Cas c = (KvOperation.Cas) op;
      b.append(" cas ").append(bytes(op.key())).append(' ').append(bytesOrAbsent(c.expected())).append(' ')
          .append(bytes(c.newValue()));
    }
    if (e.result() != null) {
      b.append(" -> ").append(KvHistory.KvOperationText.of(e.result()));
    }
    return b.toString();
  }

  /** Parses one line of the format; IllegalArgumentException saying what is wrong. */
  public static KvHistory.Event parseLine(String line) {
    String[] t = line.strip().split("\\s+");
    Cursor c = new Cursor(t);
    long clientNumber = c.number("client");
    if (clientNumber < Integer.MIN_VALUE || clientNumber > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("client " + clientNumber + " is out of range");
    }
    int client = (int) clientNumber;
    long invoked = c.number("invoked time");
    String completion = c.next("completion time, 'unknown' or 'fail'");
    KvOperation op = operation(c);
    if (completion.equals("unknown") || completion.equals("fail")) {
      if (c.hasNext()) {
        throw new IllegalArgumentException("'" + c.next("") + "' after an operation with outcome " + completion
            + " (only completed operations have a result)");
      }
      return completion.equals("fail") ? KvHistory.Event.fail(client, invoked, invoked, op)
          : KvHistory.Event.unknown(client, invoked, op);
    }
    long completed = parseNumber(completion, "completion time, 'unknown' or 'fail'");
    c.expect("->");
    KvResult result = result(c);
    if (c.hasNext()) {
      throw new IllegalArgumentException("unexpected '" + c.next("") + "' after the result");
    }
    return KvHistory.Event.ok(client, invoked, completed, op, result);
  }

  private static KvOperation operation(Cursor c) {
    String kind = c.next("operation (get, put, delete or cas)");
    byte[] key = bytes(c.next("key"));
    return switch (kind) {
      case "get" -> new KvOperation.Get(key);
      case "put" -> new KvOperation.Put(key, bytes(c.next("value")));
      case "delete" -> new KvOperation.Delete(key);
      case "cas" -> {
        byte[] expected = bytesOrAbsent(c.next("expected value or 'absent'"));
        yield new KvOperation.Cas(key, expected, bytes(c.next("new value")));
      }
      default -> throw new IllegalArgumentException("unknown operation '" + kind + "' (get, put, delete or cas)");
    };
  }

  private static KvResult result(Cursor c) {
    String kind = c.next("result (ok, absent, value V, cas-failed V|absent or error V)");
    return switch (kind) {
      case "ok" -> KvResult.OK;
      case ABSENT -> KvResult.ABSENT;
      case "value" -> KvResult.value(bytes(c.next("value")));
      case "cas-failed" -> KvResult.casFailed(bytesOrAbsent(c.next("current value or 'absent'")));
      case "error" -> new KvResult(KvResult.Status.ERROR, bytesOrAbsent(c.next("error message")));
      default -> throw new IllegalArgumentException("unknown result '" + kind
          + "' (ok, absent, value V, cas-failed V|absent or error V)");
    };
  }

  /** Bytes as a token: bare when every byte is in a small safe ASCII set, else 0x and hex. */
  static String bytes(byte[] v) {
    boolean bare = v.length > 0 && !(v.length >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'));
    for (int i = 0; bare && i < v.length; i++) {
      bare = isBare(v[i]);
    }
    String text = new String(v, StandardCharsets.US_ASCII);
    return bare && !text.equals(ABSENT) && !text.equals("-") ? text : "0x" + HEX.formatHex(v);
  }

  static String bytesOrAbsent(byte[] v) {
    return v == null ? ABSENT : bytes(v);
  }

  private static boolean isBare(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || "._:/@+=-".indexOf(b) >= 0;
  }

  private static byte[] bytes(String token) {
    if (token.startsWith("0x") || token.startsWith("0X")) {
      try {
        return HEX.parseHex(token.substring(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + token + "' is not 0x followed by an even number of hex digits");
      }
    }
    if (token.equals(ABSENT)) {
      throw new IllegalArgumentException("'absent' is not a value here (write the bytes as 0x616273656e74)");
    }
    for (int i = 0; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (ch > 127 || !isBare((byte) ch)) {
        throw new IllegalArgumentException("'" + token + "' has '" + ch + "': write such bytes as 0x-prefixed hex");
      }
    }
    return token.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytesOrAbsent(String token) {
    return token.equals(ABSENT) ? null : bytes(token);
  }

  private static long parseNumber(String token, String what) {
    try {
      return Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + token + "' is not a " + what);
    }
  }

  /** The tokens of one line, in order. */
  private static final class Cursor {
    private final String[] tokens;
    private int at;

    Cursor(String[] tokens) {
      this.tokens = tokens;
    }

    boolean hasNext() {
      return at < tokens.length;
    }

    String next(String what) {
      if (!hasNext()) {
        throw new IllegalArgumentException("line ends where the " + what + " should be");
      }
      return tokens[at++];
    }

    long number(String what) {
      return parseNumber(next(what), what);
    }

    void expect(String token) {
      String t = next("'" + token + "'");
      if (!t.equals(token)) {
        throw new IllegalArgumentException("'" + t + "' where '" + token + "' should be");
      }
    }
  }
}
