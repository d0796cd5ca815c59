package io.cairn.server.auth;

import java.time.Duration;

/** Issues and resolves auth tokens ({@code --auth-token}): {@code simple} or {@code jwt}. */
public interface TokenProvider {
  /** etcd's default TTL of simple tokens. */
  Duration SIMPLE_TTL = Duration.ofMinutes(5);

  /**
   * Issues a token for {@code user} at auth {@code revision}. {@code prefix} and {@code index}
   * make simple tokens (chosen before the command was proposed, so every replica issues the same).
   */
  String assign(String user, long revision, String prefix, long index);

  /** Who a token stands for; null when it is unknown, expired or forged. */
  AuthInfo info(String token, long currentRevision);

  /** Forgets the tokens of a user (deleted, or password changed). */
  default void invalidateUser(String user) {}

  /** Forgets every token (auth disabled). */
  default void disable() {}

  /** Parses {@code --auth-token}: {@code simple} (the default) or {@code jwt,k=v,...}. */
  static TokenProvider fromFlag(String flag) {
    if (flag == null || flag.isBlank() || flag.equals("simple")) {
      return new SimpleTokens(SIMPLE_TTL, System::nanoTime);
    }
    String[] parts = flag.split(",");
    if (parts[0].equals("jwt")) {
      return JwtTokens.fromOptions(parts);
    }
    if (parts[0].equals("simple")) {
      return new SimpleTokens(SIMPLE_TTL, System::nanoTime);
    }
    throw new IllegalArgumentException("unknown token type: " + parts[0]);
  }
}
