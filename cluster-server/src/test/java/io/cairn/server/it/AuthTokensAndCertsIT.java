package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.ServerKind;
import io.cairn.server.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two other ways etcd users prove who they are: JWT tokens ({@code --auth-token jwt,...}) and
 * client certificates ({@code --client-cert-auth}: the certificate's CN is the user). The same
 * etcdctl session runs against the member under test and against Debian's etcd; each step must
 * succeed or fail on both alike.
 */
class AuthTokensAndCertsIT {
  @TempDir Path dir;

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"RS256", "ES256"})
  void jwtTokensAuthenticateAndCarryPermissions(String method, TestInfo info) throws Exception {
    Path priv = dir.resolve("jwt.key");
    Path pub = dir.resolve("jwt.pub");
    KeyPairGenerator g = KeyPairGenerator.getInstance(method.startsWith("RS") ? "RSA" : "EC");
    if (method.startsWith("RS")) {
      g.initialize(2048);
    } else {
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    }
    KeyPair kp = g.generateKeyPair();
    Files.writeString(priv, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    String flag =
        "--auth-token=jwt,pub-key=" + pub + ",priv-key=" + priv + ",sign-method=" + method
            + ",ttl=10m";
    List<List<Integer>> outcomes = new ArrayList<>();
    for (ServerKind kind : List.of(ServerKind.underTest(), ServerKind.ETCD)) {
      try (MemberProcess m =
          MemberProcess.builder(kind).test("jwt-" + method).args(flag).startReady()) {
        Etcdctl ctl = Etcdctl.of(m);
        List<Integer> o = new ArrayList<>();
        o.add(ctl.run("user", "add", "root", "--new-user-password=rootpw",
            "--interactive=false").exitCode());
        o.add(ctl.run("user", "add", "reader", "--new-user-password=readpw",
            "--interactive=false").exitCode());
        o.add(ctl.run("role", "add", "r").exitCode());
        o.add(ctl.run("role", "grant-permission", "r", "read", "k/", "--prefix").exitCode());
        o.add(ctl.run("user", "grant-role", "reader", "r").exitCode());
        o.add(ctl.run("auth", "enable").exitCode());
        o.add(ctl.run("put", "k/1", "v", "--user=root:rootpw").exitCode());
        ProcessResult read = ctl.run("get", "k/1", "--print-value-only", "--user=reader:readpw");
        o.add(read.exitCode());
        assertThat(read.stdout()).as("%s reads with a JWT", kind).isEqualTo("v\n");
        ProcessResult write = ctl.run("put", "k/1", "w", "--user=reader:readpw");
        o.add(write.exitCode());
        assertThat(write.stderr()).as("%s", kind).contains("etcdserver: permission denied");
        ProcessResult wrong = ctl.run("get", "k/1", "--user=reader:nope");
        o.add(wrong.exitCode());
        assertThat(wrong.stderr()).as("%s", kind)
            .contains("etcdserver: authentication failed, invalid user ID or password");
        o.add(ctl.run("get", "k/1").exitCode());
        outcomes.add(o);
      }
    }
    assertThat(outcomes.get(0)).as("exit codes, step by step, vs etcd")
        .isEqualTo(outcomes.get(1));
  }

  @Test
  void clientCertificateCommonNameIsTheUser(TestInfo info) {
    TestCertificates.Certs c = TestCertificates.create(dir);
    TestCertificates.CertKey root = c.clientCert("root");
    TestCertificates.CertKey reader = c.clientCert("reader");
    TestCertificates.CertKey stranger = c.clientCert("stranger");
    List<List<Integer>> outcomes = new ArrayList<>();
    for (ServerKind kind : List.of(ServerKind.underTest(), ServerKind.ETCD)) {
      try (MemberProcess m =
          MemberProcess.builder(kind)
              .test(info.getDisplayName())
              .clientSchemes("https")
              .args(
                  "--cert-file=" + c.serverCert(),
                  "--key-file=" + c.serverKey(),
                  "--trusted-ca-file=" + c.caCert(),
                  "--client-cert-auth")
              .startReady()) {
        Etcdctl ctl = Etcdctl.of(m.clientUrl());
        String ca = "--cacert=" + c.caCert();
        String[] asRoot = {ca, "--cert=" + root.cert(), "--key=" + root.key()};
        String[] asReader = {ca, "--cert=" + reader.cert(), "--key=" + reader.key()};
        String[] asStranger = {ca, "--cert=" + stranger.cert(), "--key=" + stranger.key()};
        List<Integer> o = new ArrayList<>();
        o.add(ctl.run(join(asRoot, "user", "add", "root", "--new-user-password=rootpw",
            "--interactive=false")).exitCode());
        o.add(ctl.run(join(asRoot, "user", "add", "reader", "--new-user-password=readpw",
            "--interactive=false")).exitCode());
        o.add(ctl.run(join(asRoot, "role", "add", "r")).exitCode());
        o.add(ctl.run(join(asRoot, "role", "grant-permission", "r", "read", "k/", "--prefix"))
            .exitCode());
        o.add(ctl.run(join(asRoot, "user", "grant-role", "reader", "r")).exitCode());
        o.add(ctl.run(join(asRoot, "auth", "enable")).exitCode());
        // No password anywhere from here on: the certificate names the user.
        o.add(ctl.run(join(asRoot, "put", "k/1", "v")).exitCode());
        ProcessResult read = ctl.run(join(asReader, "get", "k/1", "--print-value-only"));
        o.add(read.exitCode());
        assertThat(read.stdout()).as("%s reads as the certificate's user", kind).isEqualTo("v\n");
        ProcessResult write = ctl.run(join(asReader, "put", "k/1", "w"));
        o.add(write.exitCode());
        assertThat(write.stderr()).as("%s", kind).contains("etcdserver: permission denied");
        o.add(ctl.run(join(asStranger, "get", "k/1")).exitCode());
        outcomes.add(o);
      }
    }
    assertThat(outcomes.get(0)).as("exit codes, step by step, vs etcd")
        .isEqualTo(outcomes.get(1));
  }

  private static String[] join(String[] first, String... rest) {
    String[] out = new String[first.length + rest.length];
    System.arraycopy(rest, 0, out, 0, rest.length);
    System.arraycopy(first, 0, out, rest.length, first.length);
    return out;
  }

  private static String pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }
}
