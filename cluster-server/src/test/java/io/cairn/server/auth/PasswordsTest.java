package io.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void knownBcryptVectors() {
    assertThat(Passwords.matches(
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
            .getBytes(StandardCharsets.US_ASCII), "U*U")).isTrue();
    assertThat(Passwords.matches(
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
            .getBytes(StandardCharsets.US_ASCII), "U*U*")).isFalse();
  }

  @Test
  void hashesAsGoWritesThemAndChecksThem() {
    byte[] h = Passwords.hash("secret", 4);
    assertThat(new String(h, StandardCharsets.US_ASCII)).startsWith("$2a$04$").hasSize(60);
    assertThat(Passwords.matches(h, "secret")).isTrue();
    assertThat(Passwords.matches(h, "Secret")).isFalse();
    assertThat(Passwords.matches(new byte[0], "")).isFalse();
  }
}
