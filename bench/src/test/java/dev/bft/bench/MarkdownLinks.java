package dev.bft.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the places where a markdown page points at something a clone of the repository does not
 * have: a relative link to a missing file, to a path outside the repository, or to a heading (or
 * {@code <a id>}) its target page lacks, and a file name ending in {@code .md} named in the prose
 * that resolves neither next to the page nor from the repository root (a page that once linked a
 * design note outside the repository and now only names it). Links with a scheme (https:, mailto:)
 * are the reader's browser's business and are not checked. Fenced code blocks are skipped: what
 * they hold is shell or sample output, not links.
 */
final class MarkdownLinks {
  private static final Pattern LINK = Pattern.compile("!?\\[((?:[^\\[\\]]|\\[[^\\]]*\\])*)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern EXPLICIT_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
  private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");
  private static final Pattern MD_NAME = Pattern.compile("(?<![\\w./-])((?:\\.{1,2}/)*[\\w.-]+(?:/[\\w.-]+)*\\.md)(?![\\w/-])");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

  private final Path root;
  private final Map<Path, Set<String>> anchors = new HashMap<>();

  /** @param root the repository root: every relative link must stay inside it */
  MarkdownLinks(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Every problem of one page, each a line naming the page, its line and what is wrong. */
  List<String> problems(Path page) {
    Path file = page.toAbsolutePath().normalize();
    List<String> out = new ArrayList<>();
    List<String> lines = read(file);
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (FENCE.matcher(line).find()) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      String where = root.relativize(file) + ":" + (i + 1) + ": ";
      Matcher link = LINK.matcher(line);
      while (link.find()) {
        String problem = checkLink(file, link.group(2));
        if (problem != null) {
          out.add(where + problem);
        }
      }
      String prose = URL.matcher(LINK.matcher(line).replaceAll("$1")).replaceAll(" ");
      Matcher name = MD_NAME.matcher(prose);
      while (name.find()) {
        String mentioned = name.group(1);
        if (!Files.isRegularFile(file.getParent().resolve(mentioned)) && !Files.isRegularFile(root.resolve(mentioned))) {
          out.add(where + "names " + mentioned + ", which is not in the repository");
        }
      }
    }
    return out;
  }

  private String checkLink(Path file, String target) {
    if (SCHEME.matcher(target).find()) {
      return null;
    }
    int hash = target.indexOf('#');
    String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
    String anchor = hash < 0 ? "" : target.substring(hash + 1);
    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
    if (!resolved.startsWith(root)) {
      return "links " + target + ", which leaves the repository";
    }
    if (!Files.exists(resolved)) {
      return "links " + target + ", which does not exist";
    }
    if (!anchor.isEmpty()) {
      if (!resolved.toString().endsWith(".md")) {
        return "links " + target + ": an anchor into a file that is not markdown";
      }
      if (!anchorsOf(resolved).contains(anchor)) {
        return "links " + target + ", but " + root.relativize(resolved) + " has no heading or anchor '" + anchor + "'";
      }
    }
    return null;
  }

  /** The anchors a page offers: GitHub's slug of every heading, and every {@code <a id|name>}. */
  Set<String> anchorsOf(Path page) {
    return anchors.computeIfAbsent(page, p -> {
      Set<String> out = new LinkedHashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      boolean fenced = false;
      for (String line : read(p)) {
        if (FENCE.matcher(line).find()) {
          fenced = !fenced;
          continue;
        }
        if (fenced) {
          continue;
        }
        Matcher h = HEADING.matcher(line);
        if (h.matches()) {
          String slug = slug(h.group(1));
          int n = seen.merge(slug, 1, Integer::sum);
          out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        Matcher a = EXPLICIT_ANCHOR.matcher(line);
        while (a.find()) {
          out.add(a.group(1));
        }
      }
      return out;
    });
  }

  /**
   * GitHub's heading anchor: the heading's text (a link's text, not its target), lower-cased,
   * with everything but letters, digits, spaces, hyphens and underscores removed and each space
   * made a hyphen.
   */
  static String slug(String heading) {
    String text = LINK.matcher(heading).replaceAll("$1").replaceAll("<[^>]*>", "");
    StringBuilder b = new StringBuilder();
    text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
      if (c == ' ') {
        b.append('-');
      } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_'
          || Character.getType(c) == Character.NON_SPACING_MARK) {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
