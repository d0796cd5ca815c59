package io.cairn.console.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saved connection profiles, one JSON file:
 * <pre>{"version":1,"profiles":[{"name":"prod","endpoints":["https://a:2379"],"user":"root",
 *   "tls":{"caCert":"/etc/ca.pem","clientCert":null,"clientKey":null}}]}</pre>
 * Only the fields above are written, so a password can never end up in the file. Writes go to a
 * temporary file in the same directory that is then renamed over the old one, so a crash leaves
 * either the old or the new file. A file that cannot be read as profiles counts as empty (with a
 * warning); the next save moves it aside to {@code <file>.corrupt} instead of losing it silently.
 *
 * <p>All methods do blocking file I/O (small files, but still: not on a UI thread if it can be
 * helped). Methods are synchronized so one store can be shared inside a process.
 */
public final class ProfileStore {
  private static final Logger LOG = LoggerFactory.getLogger(ProfileStore.class);
  private static final int FORMAT_VERSION = 1;
  /** A profiles file is tiny; anything larger is not ours. */
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private final Path file;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ProfileStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  /** {@code $XDG_CONFIG_HOME/cairn/console-profiles.json}, else {@code ~/.config/cairn/console-profiles.json}. */
  public static Path defaultFile() {
    return defaultFile(System.getenv(), System.getProperty("user.home"));
  }

  static Path defaultFile(Map<String, String> env, String home) {
    String xdg = env.get("XDG_CONFIG_HOME");
    // The XDG spec says relative values are to be ignored.
    Path base = xdg != null && !xdg.isBlank() && Paths.get(xdg).isAbsolute()
        ? Paths.get(xdg)
        : Paths.get(home, ".config");
    return base.resolve("cairn").resolve("console-profiles.json");
  }

  public Path file() {
    return file;
  }

  /** The saved profiles in file order; empty when there is no file or it is unreadable. */
  public synchronized List<ConnectionProfile> load() {
    try {
      return read();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Ignoring unreadable connection profiles file {}: {}", file, e.getMessage());
      return List.of();
    }
  }

  /** Adds {@code profile}, or replaces the saved profile of the same name in place. */
  public synchronized void save(ConnectionProfile profile) {
    List<ConnectionProfile> profiles = new ArrayList<>(loadForUpdate());
    boolean replaced = false;
    for (int i = 0; i < profiles.size(); i++) {
      if (profiles.get(i).name().equals(profile.name())) {
        profiles.set(i, profile);
        replaced = true;
      }
    }
    if (!replaced) {
      profiles.add(profile);
    }
    write(profiles);
  }

  /** Removes the profile called {@code name}; nothing happens if there is none. */
  public synchronized void delete(String name) {
    List<ConnectionProfile> profiles = new ArrayList<>(loadForUpdate());
    if (profiles.removeIf(p -> p.name().equals(name))) {
      write(profiles);
    }
  }

  private List<ConnectionProfile> loadForUpdate() {
    try {
      return read();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
      LOG.warn("Connection profiles file {} is unreadable ({}); moving it to {}", file, e.getMessage(), aside);
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new UncheckedIOException("cannot move the unreadable profiles file " + file + " aside", moveFailed);
      }
      return List.of();
    }
  }

  private List<ConnectionProfile> read() throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
    }
    JsonNode root = json.readTree(file.toFile());
    if (root == null || !root.isObject() || !root.path("profiles").isArray()) {
      throw new IOException("no \"profiles\" array");
    }
    List<ConnectionProfile> profiles = new ArrayList<>();
    for (JsonNode p : root.get("profiles")) {
      List<String> endpoints = new ArrayList<>();
      p.path("endpoints").forEach(e -> endpoints.add(e.asText()));
      JsonNode tls = p.get("tls");
      TlsFiles tlsFiles = tls == null || tls.isNull()
          ? null
          : new TlsFiles(path(tls, "caCert"), path(tls, "clientCert"), path(tls, "clientKey"));
      profiles.add(new ConnectionProfile(p.path("name").asText(null), endpoints, text(p, "user"), tlsFiles));
    }
    return List.copyOf(profiles);
  }

  private void write(List<ConnectionProfile> profiles) {
    ObjectNode root = json.createObjectNode();
    root.put("version", FORMAT_VERSION);
    ArrayNode array = root.putArray("profiles");
    for (ConnectionProfile p : profiles) {
      ObjectNode o = array.addObject();
      o.put("name", p.name());
      ArrayNode endpoints = o.putArray("endpoints");
      p.endpoints().forEach(endpoints::add);
      o.put("user", p.user());
      if (p.tls() == null) {
        o.putNull("tls");
      } else {
        ObjectNode tls = o.putObject("tls");
        tls.put("caCert", string(p.tls().caCert()));
        tls.put("clientCert", string(p.tls().clientCert()));
        tls.put("clientKey", string(p.tls().clientKey()));
      }
    }
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        json.writeValue(tmp.toFile(), root);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write connection profiles to " + file, e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Path path(JsonNode node, String field) {
    String s = text(node, field);
    return s == null || s.isEmpty() ? null : Paths.get(s);
  }

  private static String string(Path p) {
    return p == null ? null : p.toString();
  }
}
