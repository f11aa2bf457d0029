package dev.bft.bench.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.yaml.snakeyaml.Yaml;

/**
 * An image tarball as {@code docker load} reads it (jib's {@code buildTar}): {@code manifest.json},
 * the image configuration, and the layers' files merged in order, as the container would see them.
 * Read with a small tar reader of its own so that the check depends on nothing but the JDK and
 * snakeyaml (which reads JSON too).
 */
final class ImageTarball {
  /** One file or directory of the merged layers; {@code content} is kept for regular files only. */
  record Entry(String path, int mode, boolean directory, byte[] content) {}

  final List<String> repoTags;
  final Map<String, Object> config;
  final Map<String, Entry> files;

  private ImageTarball(List<String> repoTags, Map<String, Object> config, Map<String, Entry> files) {
    this.repoTags = repoTags;
    this.config = config;
    this.files = files;
  }

  private static final Map<Path, ImageTarball> READ = new java.util.concurrent.ConcurrentHashMap<>();

  /** Read once per test JVM: both deployment tests look at the same 26 MB of layers. */
  static synchronized ImageTarball read(Path tarball) throws IOException {
    ImageTarball image = READ.get(tarball);
    if (image == null) {
      image = readFrom(tarball);
      READ.put(tarball, image);
    }
    return image;
  }

  @SuppressWarnings("unchecked")
  private static ImageTarball readFrom(Path tarball) throws IOException {
    Map<String, Entry> outer;
    try (InputStream in = Files.newInputStream(tarball)) {
      outer = entries(in);
    }
    List<Map<String, Object>> manifest = (List<Map<String, Object>>) json(outer, "manifest.json");
    if (manifest.size() != 1) {
      throw new AssertionError(tarball + ": manifest.json holds " + manifest.size() + " images, expected one");
    }
    Map<String, Object> image = manifest.get(0);
    Map<String, Object> configFile = (Map<String, Object>) json(outer, (String) image.get("Config"));
    Map<String, Entry> merged = new LinkedHashMap<>();
    for (String layer : (List<String>) image.get("Layers")) {
      Entry l = outer.get(layer);
      if (l == null) {
        throw new AssertionError(tarball + ": layer " + layer + " is named in manifest.json but not in the tarball");
      }
      InputStream in = new ByteArrayInputStream(l.content());
      Map<String, Entry> files = entries(layer.endsWith(".gz") ? new GZIPInputStream(in) : in);
      // the tests read the application's files only; a runtime base's (with -Pimage) would be hundreds of MB
      files.replaceAll((path, e) -> path.startsWith("app/") ? e : new Entry(e.path(), e.mode(), e.directory(), new byte[0]));
      merged.putAll(files);
    }
    return new ImageTarball((List<String>) image.get("RepoTags"), (Map<String, Object>) configFile.get("config"), merged);
  }

  /** The file at an absolute path in the image, as text. */
  String text(String absolutePath) {
    Entry e = files.get(relative(absolutePath));
    if (e == null || e.directory()) {
      throw new AssertionError("the image has no file " + absolutePath);
    }
    return new String(e.content(), StandardCharsets.UTF_8);
  }

  boolean has(String absolutePath) {
    return files.containsKey(relative(absolutePath));
  }

  Entry entry(String absolutePath) {
    return files.get(relative(absolutePath));
  }

  private static String relative(String absolutePath) {
    return absolutePath.replaceFirst("^/+", "").replaceFirst("/+$", "");
  }

  private static Object json(Map<String, Entry> outer, String name) {
    Entry e = outer.get(name);
    if (e == null) {
      throw new AssertionError("the tarball has no " + name);
    }
    return new Yaml().load(new String(e.content(), StandardCharsets.UTF_8));
  }

  /** The entries of a ustar/pax tar stream, names without a leading "./" or "/" or trailing "/". */
  static Map<String, Entry> entries(InputStream in) throws IOException {
    Map<String, Entry> all = new LinkedHashMap<>();
    String longName = null;
    while (true) {
      byte[] header = in.readNBytes(512);
      if (header.length < 512 || isZero(header)) {
        return all;
      }
      String name = string(header, 0, 100);
      int mode = (int) octal(header, 100, 8);
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      if (string(header, 257, 5).equals("ustar") && header[345] != 0) {
        name = string(header, 345, 155) + "/" + name;
      }
      byte[] data = in.readNBytes((int) size);
      in.skipNBytes((512 - size % 512) % 512);
      if (type == 'x') {
        longName = paxPath(data);
        continue;
      } else if (type == 'L') {
        longName = string(data, 0, data.length);
        continue;
      } else if (type == 'g') {
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      String path = name.replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
      boolean directory = type == '5';
      all.put(path, new Entry(path, mode, directory, type == '0' || type == 0 ? data : new byte[0]));
    }
  }

  private static String paxPath(byte[] records) {
    for (String record : new String(records, StandardCharsets.UTF_8).split("\n")) {
      int space = record.indexOf(' ');
      if (record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int offset, int length) {
    String s = string(b, offset, length).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
