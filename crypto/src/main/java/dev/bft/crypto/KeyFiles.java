package dev.bft.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's private key on disk. The format is three lines of text:
 * <pre>
 * # dev.bft ed25519 private key
 * private = &lt;64 hex digits: the RFC 8032 32-byte private key&gt;
 * public = &lt;64 hex digits: its public key, checked on load&gt;
 * </pre>
 * Files are created readable by their owner only (mode 600) where the file system has POSIX
 * permissions. Every load error is one line naming the file and what is wrong with it.
 */
public final class KeyFiles {
  static final String HEADER = "# dev.bft ed25519 private key";
  private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);

  private KeyFiles() {}

  /** Writes a key file; refuses to replace an existing file unless {@code overwrite}. */
  public static void write(Path file, Ed25519KeyPair keys, boolean overwrite) throws IOException {
    String text = HEADER + "\nprivate = " + keys.privateKeyHex() + "\npublic = " + keys.publicKey().toHex() + "\n";
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (Files.exists(file) && !overwrite) {
      throw new FileAlreadyExistsException(file + ": exists; refusing to overwrite a key file");
    }
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Reads and checks a key file; throws IllegalArgumentException with a one-line reason. A file
   * others can write is refused (whoever can replace the key can act as this node); one others can
   * read is used with a warning (the key may already be out).
   */
  public static Ed25519KeyPair read(Path file) {
    checkPermissions(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": key file does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read key file: " + e.getMessage());
    }
    String privateHex = null;
    String publicHex = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'private = <hex>' or 'public = <hex>'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      switch (key) {
        case "private" -> privateHex = value;
        case "public" -> publicHex = value;
        default -> throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown entry '" + key + "'");
      }
    }
    if (privateHex == null) {
      throw new IllegalArgumentException(file + ": no 'private = <hex>' line (truncated or not a key file)");
    }
    byte[] privateKey = hex(file, "private", privateHex);
    if (privateKey.length != Ed25519KeyPair.PRIVATE_KEY_SIZE) {
      throw new IllegalArgumentException(file + ": private key is " + privateKey.length + " bytes, expected "
          + Ed25519KeyPair.PRIVATE_KEY_SIZE);
    }
    Ed25519KeyPair keys = Ed25519KeyPair.fromPrivateKey(privateKey);
    if (publicHex != null && !keys.publicKey().toHex().equalsIgnoreCase(publicHex)) {
      throw new IllegalArgumentException(file + ": public key does not belong to the private key");
    }
    return keys;
  }

  /** Skipped where the file system has no POSIX permissions, and for a missing file (read says so). */
  static void checkPermissions(Path file) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException | IOException notPosixOrMissing) {
      return;
    }
    String shown = PosixFilePermissions.toString(mode);
    if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IllegalArgumentException(file + ": key file is writable by everyone (mode " + shown
          + "); refusing to use it: chmod 600 it and check its content");
    }
    if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)
        || mode.contains(PosixFilePermission.GROUP_WRITE)) {
      LOG.warn("{}: private key file is readable or writable by others than its owner (mode {}); chmod 600 it",
          file, shown);
    }
  }

  private static byte[] hex(Path file, String what, String value) {
    try {
      return HexFormat.of().parseHex(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + what + " key is not hex");
    }
  }
}
