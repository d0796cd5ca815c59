package io.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokensTest {
  @Test
  void jwtRoundTripRs256AndEs256() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    for (var m : new Object[][] {{"RS256", rsa.generateKeyPair()}, {"ES256", ec.generateKeyPair()}}) {
      KeyPair kp = (KeyPair) m[1];
      AtomicLong now = new AtomicLong(1_700_000_000_000L);
      JwtTokens t = new JwtTokens((String) m[0], kp.getPublic(), kp.getPrivate(),
          Duration.ofMinutes(10), now::get);
      String token = t.assign("alice", 7, "", 0);
      String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
      assertThat(claims).isEqualTo("{\"exp\":1700000600,\"revision\":7,\"username\":\"alice\"}");
      assertThat(t.info(token, 9)).isEqualTo(new AuthInfo("alice", 7));
      String forged = token.substring(0, token.length() - 4)
          + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
      assertThat(t.info(forged, 9)).isNull();
      assertThat(t.info("garbage", 9)).isNull();
      now.addAndGet(Duration.ofMinutes(11).toMillis());
      assertThat(t.info(token, 9)).isNull();
    }
  }

  @Test
  void simpleTokensExpireUnlessUsedAndDieWithTheirUser() {
    AtomicLong now = new AtomicLong();
    SimpleTokens t = new SimpleTokens(Duration.ofSeconds(300), now::get);
    String a = t.assign("alice", 3, SimpleTokens.newPrefix(), 1);
    String b = t.assign("bob", 3, SimpleTokens.newPrefix(), 2);
    assertThat(a).matches("[a-zA-Z]{16}\\.1");
    now.addAndGet(Duration.ofSeconds(200).toNanos());
    assertThat(t.info(a, 5)).isEqualTo(new AuthInfo("alice", 5));
    now.addAndGet(Duration.ofSeconds(200).toNanos());
    assertThat(t.info(a, 5)).isNotNull();
    assertThat(t.info(b, 5)).isNull();
    t.invalidateUser("alice");
    assertThat(t.info(a, 5)).isNull();
  }

  @Test
  void goDurations() {
    assertThat(JwtTokens.parseGoDuration("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(JwtTokens.parseGoDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(JwtTokens.parseGoDuration("500ms")).isEqualTo(Duration.ofMillis(500));
  }
}
