package io.cairn.console.core.session;

import java.time.Instant;

/**
 * What the session's probe last found out about the cluster.
 *
 * @param kind    CONNECTING until the first probe answers or fails, then CONNECTED or UNREACHABLE
 * @param message for people: which endpoints answer, or which do not and why
 * @param since   when {@code kind} last changed
 */
public record ConnectionState(Kind kind, String message, Instant since) {
  public enum Kind {
    CONNECTING,
    CONNECTED,
    UNREACHABLE
  }

  public boolean isConnected() {
    return kind == Kind.CONNECTED;
  }
}
