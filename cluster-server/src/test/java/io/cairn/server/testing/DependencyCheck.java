package io.cairn.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the external programs the integration tests use and fails with an actionable message
 * when one is missing. {@code tools/install-deps.sh} installs them.
 */
public final class DependencyCheck {
  private static final String HINT = "install it with: bash tools/install-deps.sh";

  private DependencyCheck() {}

  /** {@code etcdctl} (v3.4+); override with {@code -Dit.etcdctl=PATH}. */
  public static Path etcdctl() {
    return require(System.getProperty("it.etcdctl", "/usr/bin/etcdctl"), "etcdctl",
        "Debian package etcd-client");
  }

  /** The reference {@code etcd} server; override with {@code -Dit.etcd=PATH}. */
  public static Path etcd() {
    return require(System.getProperty("it.etcd", "/usr/bin/etcd"), "etcd",
        "Debian package etcd-server");
  }

  private static Path require(String location, String what, String provider) {
    Path path = Paths.get(location);
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw new AssertionError(what + " is required by the integration tests but was not found at "
          + path + " (" + provider + "); " + HINT);
    }
    return path;
  }
}
