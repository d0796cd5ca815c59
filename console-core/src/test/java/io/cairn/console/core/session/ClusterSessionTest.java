package io.cairn.console.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.FreePorts;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.QuietLogging;
import io.cairn.server.testing.ServerKind;
import io.cairn.server.testing.TestCertificates;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClusterSessionTest {
  private static final Duration PROBE = Duration.ofMillis(500);

  @BeforeAll
  static void quiet() {
    QuietLogging.install();
  }

  private static ConnectionProfile profile(String... endpoints) {
    return new ConnectionProfile("test", List.of(endpoints), null, null);
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void connectsReadsHttpEndpointsAndTellsCairnFromEtcd(ServerKind kind, TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(info).startReady();
        ClusterSession s = ClusterSession.open(profile(m.endpoint()), null, PROBE)) {
      assertThat(s.endpoints()).containsExactly(m.clientUrl());
      await().atMost(Duration.ofSeconds(20)).until(() -> s.state().isConnected());
      assertThat(s.state().message()).contains("1 of 1");
      assertThat(s.isCairn().get(10, TimeUnit.SECONDS)).isEqualTo(kind == ServerKind.CAIRN);
      assertThat(s.httpGet(m.endpoint(), "/health").get(10, TimeUnit.SECONDS)).contains("\"health\":\"true\"");
      assertThat(s.httpUri(m.endpoint(), "metrics").toString()).isEqualTo(m.clientUrl() + "/metrics");
      Throwable missing = s.httpGet(m.endpoint(), "/no-such-page").handle((v, e) -> Failures.unwrap(e))
          .get(10, TimeUnit.SECONDS);
      assertThat(missing).isInstanceOf(HttpStatusException.class);
      assertThat(((HttpStatusException) missing).status()).isEqualTo(404);
      s.client().getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void openReturnsAtOnceWhenNothingListensAndTheStateSaysWhy() {
    String endpoint = "127.0.0.1:" + FreePorts.next();
    long started = System.nanoTime();
    try (ClusterSession s = ClusterSession.open(profile(endpoint), null, PROBE)) {
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      assertThat(s.state().kind()).isEqualTo(ConnectionState.Kind.CONNECTING);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> s.state().kind() == ConnectionState.Kind.UNREACHABLE);
      assertThat(s.state().message()).contains("http://" + endpoint).contains("connection refused");
    }
  }

  @Test
  void sessionKeepsWorkingWhenTheMemberComesBack(TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(ServerKind.CAIRN).test(info).startReady();
        ClusterSession s = ClusterSession.open(profile(m.endpoint()), null, PROBE)) {
      List<ConnectionState> seen = new CopyOnWriteArrayList<>();
      AutoCloseable subscription = s.onStateChange(seen::add);
      await().atMost(Duration.ofSeconds(20)).until(() -> s.state().isConnected());
      s.client().getKVClient().put(bytes("k"), bytes("before")).get(10, TimeUnit.SECONDS);

      m.kill9();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> s.state().kind() == ConnectionState.Kind.UNREACHABLE);
      assertThat(s.state().message()).contains(m.endpoint()).contains("connection refused");

      m.restart().awaitReady();
      await().atMost(Duration.ofSeconds(20)).until(() -> s.state().isConnected());
      // jetcd's own channel reconnects on its own schedule; the first calls may still fail.
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
        s.client().getKVClient().put(bytes("k"), bytes("after")).get(5, TimeUnit.SECONDS);
        return true;
      });
      assertThat(Etcdctl.of(m).ok("get", "k", "--print-value-only").trim()).isEqualTo("after");
      assertThat(seen).extracting(ConnectionState::kind).containsSubsequence(
          ConnectionState.Kind.CONNECTED, ConnectionState.Kind.UNREACHABLE, ConnectionState.Kind.CONNECTED);
      subscription.close();
    }
  }

  @Test
  void tlsProfileConnectsWithClientCertificatesAndAWrongCaIsReportedAsTls(TestInfo info, @TempDir Path dir)
      throws Exception {
    TestCertificates.Certs certs = TestCertificates.create(dir);
    try (MemberProcess m = MemberProcess.builder(ServerKind.CAIRN).test(info).clientSchemes("https")
        .args("--cert-file=" + certs.serverCert(), "--key-file=" + certs.serverKey(),
            "--trusted-ca-file=" + certs.caCert(), "--client-cert-auth")
        .startReady()) {
      TlsFiles good = new TlsFiles(certs.caCert(), certs.clientCert(), certs.clientKey());
      try (ClusterSession s = ClusterSession.open(
          new ConnectionProfile("tls", List.of(m.endpoint()), null, good), null, PROBE)) {
        assertThat(s.endpoints()).containsExactly("https://" + m.endpoint());
        await().atMost(Duration.ofSeconds(20)).until(() -> s.state().isConnected());
        s.client().getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);
        assertThat(s.httpGet(m.endpoint(), "/health").get(10, TimeUnit.SECONDS)).contains("true");
      }
      TlsFiles wrongCa = new TlsFiles(certs.otherCaCert(), certs.clientCert(), certs.clientKey());
      try (ClusterSession s = ClusterSession.open(
          new ConnectionProfile("tls", List.of(m.endpoint()), null, wrongCa), null, PROBE)) {
        await().atMost(Duration.ofSeconds(20))
            .until(() -> s.state().kind() == ConnectionState.Kind.UNREACHABLE);
        assertThat(s.state().message()).contains(m.endpoint()).contains("TLS handshake failed");
      }
    }
  }

  @Test
  void aWrongPasswordIsReportedAsAuthenticationFailure(TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(ServerKind.CAIRN).test(info).startReady()) {
      Etcdctl ctl = Etcdctl.of(m);
      ctl.ok("user", "add", "root", "--new-user-password=rootpw", "--interactive=false");
      ctl.ok("auth", "enable");
      ConnectionProfile root = new ConnectionProfile("auth", List.of(m.endpoint()), "root", null);
      try (ClusterSession s = ClusterSession.open(root, "wrong".toCharArray(), PROBE)) {
        await().atMost(Duration.ofSeconds(20))
            .until(() -> s.state().kind() == ConnectionState.Kind.UNREACHABLE);
        assertThat(s.state().message()).contains(m.endpoint()).contains("authentication failed");
      }
      try (ClusterSession s = ClusterSession.open(root, "rootpw".toCharArray(), PROBE)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> s.state().isConnected());
        s.client().getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
