package io.cairn.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** etcd's password hashes: bcrypt, {@code $2a$} as Go's {@code x/crypto/bcrypt} writes them. */
public final class Passwords {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** Hashes {@code password} with {@code cost} (4..31). Slow by design: never on the apply thread. */
  public static byte[] hash(String password, int cost) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate("2a", password.getBytes(StandardCharsets.UTF_8), salt, cost)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether {@code password} matches a stored bcrypt hash. */
  public static boolean matches(byte[] hash, String password) {
    if (hash == null || hash.length == 0) {
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(
          new String(hash, StandardCharsets.US_ASCII), password.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
