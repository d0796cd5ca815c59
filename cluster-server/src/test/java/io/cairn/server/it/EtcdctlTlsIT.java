package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import io.cairn.server.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Client TLS as etcd does it, driven by the real etcdctl and curl. */
class EtcdctlTlsIT {
  @TempDir Path certDir;

  @Test
  void serverTlsServesEtcdctlAndHttpOverTheSamePort(TestInfo info) {
    TestCertificates.Certs c = TestCertificates.create(certDir);
    try (MemberProcess m =
        MemberProcess.builder(info)
            .clientSchemes("https")
            .args("--cert-file=" + c.serverCert(), "--key-file=" + c.serverKey())
            .startReady()) {
      Etcdctl ctl = Etcdctl.of(m.clientUrl());
      ctl.ok("put", "tls/k", "v", "--cacert=" + c.caCert());
      assertThat(ctl.ok("get", "tls/k", "--print-value-only", "--cacert=" + c.caCert()))
          .isEqualTo("v\n");
      // Without the CA the client does not trust the member.
      assertThat(ctl.withDialTimeout(Duration.ofSeconds(2)).run("get", "tls/k").exitCode())
          .isNotZero();
      // curl negotiates by ALPN and gets HTTP/1.1 answers from the same port.
      ProcessResult health = curl("--cacert", c.caCert().toString(), m.clientUrl() + "/health");
      assertThat(health.stdout()).isEqualTo("{\"health\":\"true\"}");
      // Plaintext to a TLS-only port is refused, and the member goes on serving.
      assertThat(curl("http://" + m.endpoint() + "/health").exitCode()).isNotZero();
      assertThat(ctl.ok("get", "tls/k", "--print-value-only", "--cacert=" + c.caCert()))
          .isEqualTo("v\n");
    }
  }

  @Test
  void clientCertAuthRequiresACertificateFromTheTrustedCa(TestInfo info) {
    TestCertificates.Certs c = TestCertificates.create(certDir);
    try (MemberProcess m =
        MemberProcess.builder(info)
            .clientSchemes("https")
            .args(
                "--cert-file=" + c.serverCert(),
                "--key-file=" + c.serverKey(),
                "--trusted-ca-file=" + c.caCert(),
                "--client-cert-auth")
            .startReady()) {
      Etcdctl ctl = Etcdctl.of(m.clientUrl()).withDialTimeout(Duration.ofSeconds(2));
      String ca = "--cacert=" + c.caCert();
      ctl.ok("put", "mtls/k", "v", ca, "--cert=" + c.clientCert(), "--key=" + c.clientKey());
      assertThat(ctl.run("get", "mtls/k", ca).exitCode()).as("no client certificate").isNotZero();
      assertThat(
              ctl.run("get", "mtls/k", ca, "--cert=" + c.otherClientCert(),
                      "--key=" + c.otherClientKey())
                  .exitCode())
          .as("certificate from another CA")
          .isNotZero();
      assertThat(m.findLog("rejected connection")).isPresent();
      assertThat(
              ctl.ok("get", "mtls/k", "--print-value-only", ca, "--cert=" + c.clientCert(),
                  "--key=" + c.clientKey()))
          .isEqualTo("v\n");
    }
  }

  @Test
  void revokedClientCertificateIsRefused(TestInfo info) {
    TestCertificates.Certs c = TestCertificates.create(certDir);
    try (MemberProcess m =
        MemberProcess.builder(info)
            .clientSchemes("https")
            .args(
                "--cert-file=" + c.serverCert(),
                "--key-file=" + c.serverKey(),
                "--trusted-ca-file=" + c.caCert(),
                "--client-cert-auth",
                "--client-crl-file=" + c.crl())
            .startReady()) {
      Etcdctl ctl = Etcdctl.of(m.clientUrl()).withDialTimeout(Duration.ofSeconds(2));
      String ca = "--cacert=" + c.caCert();
      ctl.ok("put", "crl/k", "v", ca, "--cert=" + c.clientCert(), "--key=" + c.clientKey());
      assertThat(
              ctl.run("get", "crl/k", ca, "--cert=" + c.revokedClientCert(),
                      "--key=" + c.revokedClientKey())
                  .exitCode())
          .isNotZero();
    }
  }

  @Test
  void httpAndHttpsOnOnePortServeBoth(TestInfo info) {
    TestCertificates.Certs c = TestCertificates.create(certDir);
    try (MemberProcess m =
        MemberProcess.builder(info)
            .clientSchemes("http", "https")
            .args("--cert-file=" + c.serverCert(), "--key-file=" + c.serverKey())
            .startReady()) {
      Etcdctl.of("http://" + m.endpoint()).ok("put", "both/k", "plain");
      assertThat(
              Etcdctl.of("https://" + m.endpoint())
                  .ok("get", "both/k", "--print-value-only", "--cacert=" + c.caCert()))
          .isEqualTo("plain\n");
      assertThat(curl("http://" + m.endpoint() + "/version").stdout()).contains("etcdserver");
      assertThat(curl("--cacert", c.caCert().toString(), "https://" + m.endpoint() + "/version")
              .stdout())
          .contains("etcdserver");
    }
  }

  @Test
  void autoTlsGeneratesACertificateInTheDataDir(TestInfo info) {
    try (MemberProcess m =
        MemberProcess.builder(info).clientSchemes("https").args("--auto-tls").startReady()) {
      Etcdctl ctl = Etcdctl.of(m.clientUrl());
      // etcdctl 3.4 needs --insecure-transport=false for --insecure-skip-tls-verify to apply.
      String[] insecure = {"--insecure-transport=false", "--insecure-skip-tls-verify"};
      ctl.ok("put", "auto/k", "v", insecure[0], insecure[1]);
      assertThat(ctl.ok("get", "auto/k", "--print-value-only", insecure[0], insecure[1]))
          .isEqualTo("v\n");
      // The generated certificate is the member's: trusting it as a CA verifies the member.
      Path cert = m.dataDir().resolve("fixtures/client/cert.pem");
      assertThat(ctl.ok("get", "auto/k", "--print-value-only", "--cacert=" + cert))
          .isEqualTo("v\n");
      assertThat(m.dataDir().resolve("fixtures/client/cert.pem")).exists();
      assertThat(m.dataDir().resolve("fixtures/client/key.pem")).exists();
    }
  }

  @Test
  void missingCertificateFileIsAClearStartupError(TestInfo info) throws Exception {
    TestCertificates.Certs c = TestCertificates.create(certDir);
    Path missing = certDir.resolve("nope.crt");
    MemberProcess m =
        MemberProcess.builder(info)
            .clientSchemes("https")
            .args("--cert-file=" + missing, "--key-file=" + c.serverKey())
            .start();
    try (m) {
      int exit = waitExit(m);
      assertThat(exit).isNotZero();
      assertThat(m.tail()).contains("open " + missing + ": no such file or directory");
    }
    assertThat(Files.exists(missing)).isFalse();
  }

  private static int waitExit(MemberProcess m) throws InterruptedException {
    for (int i = 0; i < 600 && m.isAlive(); i++) {
      Thread.sleep(100);
    }
    return m.exitValue().orElseThrow();
  }

  private static ProcessResult curl(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    cmd.addAll(List.of(args));
    return Processes.run(cmd, Map.of(), null, Duration.ofSeconds(20));
  }
}
