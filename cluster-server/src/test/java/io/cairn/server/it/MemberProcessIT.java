package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.MemberProcess.FlagStyle;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.ServerKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The member as an OS process: command line, environment, signals, restarts, robustness. */
class MemberProcessIT {
  private static final Duration SHORT = Duration.ofSeconds(20);
  private final ServerKind kind = ServerKind.underTest();

  @Test
  void flagsInEqualsForm(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).flagStyle(FlagStyle.EQUALS).startReady()) {
      assertThat(m.command()).anyMatch(a -> a.startsWith("--data-dir="));
      assertPutGet(m, "equals/k", "v");
    }
  }

  @Test
  void flagsInSeparateForm(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).flagStyle(FlagStyle.SEPARATE).startReady()) {
      assertThat(m.command()).contains("--data-dir").noneMatch(a -> a.startsWith("--data-dir="));
      assertPutGet(m, "separate/k", "v");
    }
  }

  @Test
  void helpExitsZeroAndListsFlags() {
    ProcessResult r = MemberProcess.runBinary(kind, Duration.ofSeconds(120), "--help");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.combined()).contains("--name", "--data-dir", "--listen-client-urls", "--advertise-client-urls",
        "--listen-peer-urls", "--initial-advertise-peer-urls", "--initial-cluster");
  }

  @Test
  void unknownFlagIsRejectedAndNamed() {
    ProcessResult r = MemberProcess.runBinary(kind, Duration.ofSeconds(120), "--no-such-flag-xyz");
    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.combined()).contains("no-such-flag-xyz");
    if (kind.isCairn()) {
      // Cairn's contract: usage errors exit with status 2 (etcd 3.4 happens to do the same).
      assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    }
  }

  @Test
  void sigtermEndsBySignalAndRestartKeepsData(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      Etcdctl.of(m).ok("put", "durable/k", "before-sigterm");
      assertThat(m.stop()).as("exit status after SIGTERM (128+15)").isEqualTo(143);
      m.restart().awaitReady();
      assertThat(Etcdctl.of(m).ok("get", "durable/k", "--print-value-only")).isEqualTo("before-sigterm\n");
    }
  }

  @Test
  void sigintEndsBySignalAndRestartKeepsData(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      Etcdctl.of(m).ok("put", "durable/k", "before-sigint");
      assertThat(m.signal("INT")).as("exit status after SIGINT (128+2)").isEqualTo(130);
      m.restart().awaitReady();
      assertThat(Etcdctl.of(m).ok("get", "durable/k", "--print-value-only")).isEqualTo("before-sigint\n");
    }
  }

  @Test
  void startupLogAnnouncesCapabilitiesPublicationAndReadiness(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      // the order differs between implementations, so wait for each line
      m.awaitLog("enabled capabilities for version", SHORT);
      m.awaitLog("published", SHORT);
      m.awaitLog(MemberProcess.READY_MARKER, SHORT);
    }
  }

  @Test
  void nameAndDataDirFromEnvironment(TestInfo info) throws IOException {
    try (MemberProcess m = MemberProcess.builder(info).name("from-env").nameAndDataDirViaEnv(true).startReady()) {
      assertThat(m.command()).noneMatch(a -> a.startsWith("--name") || a.startsWith("--data-dir"));
      assertThat(Etcdctl.of(m).ok("member", "list")).contains("from-env");
      assertPutGet(m, "env/k", "v");
      try (Stream<Path> files = Files.list(m.dataDir())) {
        assertThat(files).as("the member writes into ETCD_DATA_DIR").isNotEmpty();
      }
    }
  }

  @Test
  void unknownUnsupportedArchValueIsNotAnError(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).env("ETCD_UNSUPPORTED_ARCH", "x").startReady()) {
      assertPutGet(m, "arch/k", "v");
    }
  }

  @Test
  void emptyExistingDataDirIsAccepted(TestInfo info) throws IOException {
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-data")), "empty-");
    try (MemberProcess m = MemberProcess.builder(info).dataDir(dir).startReady()) {
      assertPutGet(m, "empty/k", "v");
    }
  }

  @Test
  void missingDataDirIsCreated(TestInfo info) throws IOException {
    Path parent = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-data")), "missing-");
    Path dir = parent.resolve("not-yet");
    try (MemberProcess m = MemberProcess.builder(info).dataDir(dir).startReady()) {
      assertThat(dir).isDirectory();
      assertPutGet(m, "missing/k", "v");
    } finally {
      Files.deleteIfExists(parent);
    }
  }

  /**
   * With {@code --listen-client-urls http://127.0.0.1:0} the member picks a port and must log it.
   * Assumption for Cairn: like etcd 3.5 it logs a JSON line containing {@code serving} (e.g.
   * {@code "msg":"serving client traffic insecurely; ..."}) with {@code "address":"127.0.0.1:NNNN"}.
   */
  @Test
  void clientPortZeroIsLogged(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).clientPort(0).startReady()) {
      if (!kind.isCairn()) {
        Assumptions.assumeTrue(awaitAddress(m), "etcd did not log its client address");
      }
      await().atMost(SHORT).until(() -> m.loggedClientAddress().isPresent());
      assertThat(m.clientPort()).isPositive();
      assertPutGet(m, "port0/k", "v");
    }
  }

  @Test
  void garbageOnTheClientPortDoesNotKillTheMember(TestInfo info) throws IOException {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      Random random = new Random(42);
      byte[][] payloads = {
          randomBytes(random, 64 * 1024),
          "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
          concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII), randomBytes(random, 4096)),
          {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5},
          new byte[0],
      };
      for (byte[] payload : payloads) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), m.clientPort())) {
          s.setSoTimeout(2000);
          OutputStream out = s.getOutputStream();
          try {
            out.write(payload);
            out.flush();
            s.getInputStream().read(new byte[1024]);
          } catch (IOException expected) {
            // the member may reset the connection; that is fine
          }
        }
      }
      assertThat(m.isAlive()).as("member still running").isTrue();
      assertPutGet(m, "garbage/k", "still-serving");
    }
  }

  private static boolean awaitAddress(MemberProcess m) {
    long deadline = System.nanoTime() + SHORT.toNanos();
    while (System.nanoTime() < deadline) {
      if (m.loggedClientAddress().isPresent()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static void assertPutGet(MemberProcess m, String key, String value) {
    Etcdctl ctl = Etcdctl.of(m);
    assertThat(ctl.ok("put", key, value)).isEqualTo("OK\n");
    assertThat(ctl.ok("get", key, "--print-value-only")).isEqualTo(value + "\n");
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
