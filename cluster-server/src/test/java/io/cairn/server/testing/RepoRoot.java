package io.cairn.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the repository root: the directory that contains {@code bin/cairn-server}. */
public final class RepoRoot {
  public static final String PROPERTY = "cairn.repo.root";
  private static final String LAUNCHER = "bin/cairn-server";

  private RepoRoot() {}

  /**
   * The system property {@code cairn.repo.root} if it points at a directory with the launcher,
   * otherwise the nearest ancestor of the working directory that has {@code bin/cairn-server}.
   */
  public static Path find() {
    String prop = System.getProperty(PROPERTY);
    if (prop != null && !prop.isBlank() && Files.exists(Paths.get(prop).resolve(LAUNCHER))) {
      return Paths.get(prop).toAbsolutePath().normalize();
    }
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve(LAUNCHER))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new AssertionError("cannot find the repository root (a directory containing " + LAUNCHER
        + ") from -D" + PROPERTY + "=" + prop + " or the working directory "
        + Paths.get("").toAbsolutePath());
  }

  /** {@code <root>/bin/cairn-server}. */
  public static Path launcher() {
    return find().resolve(LAUNCHER);
  }
}
