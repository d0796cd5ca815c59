package io.cairn.console.web;

import io.cairn.console.core.session.ConnectionProfile;
import io.cairn.console.core.session.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the console was started: where it listens, the cluster it opens on, and the defaults every
 * browser session starts from.
 *
 * @param endpoints the cluster the console connects to at start
 * @param password the password of {@code user}; null when not given (never stored in profiles)
 */
public record ConsoleConfig(
    String host,
    int port,
    List<String> endpoints,
    String user,
    String password,
    TlsFiles tls,
    String separator,
    Path profilesFile,
    Duration scrapeInterval,
    Duration retention) {

  /** The attribute under which the running console's services sit in the servlet context. */
  public static final String CONTEXT_ATTRIBUTE = "io.cairn.console.services";

  /** The profile the console starts with: the endpoints and credentials it was given. */
  public ConnectionProfile startProfile() {
    return new ConnectionProfile("command line", endpoints, user, tls);
  }
}
