package io.cairn.server.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * etcd's simple tokens: {@code <16 random letters>.<index>}, kept in memory with a TTL that every
 * use renews. They carry no revision: a simple token is always at the store's current revision.
 */
public final class SimpleTokens implements TokenProvider {
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Entry(String user, long expiresNanos) {}

  private final long ttlNanos;
  private final LongSupplier clock;
  private final Map<String, Entry> tokens = new ConcurrentHashMap<>();

  public SimpleTokens(Duration ttl, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.clock = nanoClock;
  }

  /** A fresh random prefix, picked before proposing the authenticate command. */
  public static String newPrefix() {
    char[] c = new char[16];
    for (int i = 0; i < c.length; i++) {
      c[i] = LETTERS.charAt(RANDOM.nextInt(LETTERS.length()));
    }
    return new String(c);
  }

  @Override
  public String assign(String user, long revision, String prefix, long index) {
    String token = prefix + "." + index;
    long now = clock.getAsLong();
    if (tokens.size() > 10_000) {
      tokens.values().removeIf(e -> e.expiresNanos() - now < 0);
    }
    tokens.put(token, new Entry(user, now + ttlNanos));
    return token;
  }

  @Override
  public AuthInfo info(String token, long currentRevision) {
    Entry e = tokens.get(token);
    if (e == null) {
      return null;
    }
    long now = clock.getAsLong();
    if (e.expiresNanos() - now < 0) {
      tokens.remove(token, e);
      return null;
    }
    tokens.replace(token, e, new Entry(e.user(), now + ttlNanos));
    return new AuthInfo(e.user(), currentRevision);
  }

  @Override
  public void invalidateUser(String user) {
    tokens.values().removeIf(e -> e.user().equals(user));
  }

  @Override
  public void disable() {
    tokens.clear();
  }
}
