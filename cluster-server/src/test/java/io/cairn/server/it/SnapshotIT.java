package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.server.server.MemberIds;
import io.cairn.server.snapshot.SnapshotStatus;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.FreePorts;
import io.cairn.server.testing.Json;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import io.cairn.server.testing.RepoRoot;
import io.cairn.server.testing.ServerKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and disaster recovery with the real tools: {@code etcdctl snapshot save} against a
 * running member, {@code cairn snapshot status} and {@code restore} on the file, then a member
 * started on the restored data dir serving the same keys with the same {@code HashKV}.
 */
class SnapshotIT {
  @TempDir Path tmp;

  @Test
  void saveStatusRestoreAndServe(TestInfo info) throws Exception {
    assumeTrue(ServerKind.underTest().isCairn(), "cairn snapshot commands read Cairn snapshots");
    Path file = tmp.resolve("backup.db");
    long hashAt6;
    try (MemberProcess m = MemberProcess.builder(info).name("m1").startReady()) {
      Etcdctl ctl = Etcdctl.of(m);
      ctl.ok("put", "a", "1");
      ctl.ok("put", "b", "2");
      ctl.ok("put", "a", "3");
      ctl.ok("del", "b");
      ctl.ok("put", "c", "x"); // revision 6
      hashAt6 = hashKv(ctl);
      String saved = ctl.withCommandTimeout(Duration.ofSeconds(60)).ok("snapshot", "save", file.toString());
      assertThat(saved).contains("Snapshot saved at " + file);
      ctl.ok("put", "after", "snapshot"); // not in the file
    }
    assertThat(Files.size(file) % 512).isEqualTo(32);

    Map<?, ?> status = (Map<?, ?>) Json.parse(cairn("snapshot", "status", file.toString(), "-w", "json").stdout());
    assertThat(status.get("revision")).hasToString("6");
    assertThat(status.get("totalKey")).hasToString("2");
    assertThat(Long.parseLong(status.get("totalSize").toString())).isEqualTo(Files.size(file) - 32);
    String table = cairn("snapshot", "status", file.toString(), "-w", "table").stdout();
    // The hash column is as wide as the hash printed in hex without leading zeros (as etcdutl).
    assertThat(table).matches("(?s)\\+-+\\+----------\\+------------\\+------------\\+\n"
        + "\\| +HASH +\\| REVISION \\| TOTAL KEYS \\| TOTAL SIZE \\|\n.*");

    // a damaged copy is refused, in one line
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Path damaged = Files.write(tmp.resolve("damaged.db"), bytes);
    ProcessResult bad = cairnRun("snapshot", "status", damaged.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr()).startsWith("Error: snapshot file integrity check failed");
    assertThat(bad.stderr()).doesNotContain("\tat ");

    // restore for a new cluster and serve from it
    int peerPort = FreePorts.next();
    String peer = "http://127.0.0.1:" + peerPort;
    Path dataDir = tmp.resolve("restored");
    ProcessResult restored =
        cairnRun("snapshot", "restore", file.toString(), "--data-dir", dataDir.toString(),
            "--name", "m1", "--initial-cluster", "m1=" + peer,
            "--initial-cluster-token", "restored-cluster",
            "--initial-advertise-peer-urls", peer);
    assertThat(restored.exitCode()).as(restored.toString()).isZero();
    ProcessResult again =
        cairnRun("snapshot", "restore", file.toString(), "--data-dir", dataDir.toString(),
            "--name", "m1", "--initial-cluster", "m1=" + peer, "--initial-advertise-peer-urls", peer);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("not empty");

    long memberId = MemberIds.memberId(List.of(URI.create(peer)), "restored-cluster");
    long clusterId = MemberIds.clusterId(List.of(memberId));
    try (MemberProcess m = MemberProcess.builder(info).name("m1").peerPort(peerPort).dataDir(dataDir).startReady()) {
      Etcdctl ctl = Etcdctl.of(m);
      Map<?, ?> get = (Map<?, ?>) Json.parse(ctl.ok("get", "", "--from-key", "-w", "json"));
      Map<?, ?> header = (Map<?, ?>) get.get("header");
      assertThat(header.get("revision")).hasToString("6");
      assertThat(Long.parseUnsignedLong(header.get("cluster_id").toString())).isEqualTo(clusterId);
      assertThat(Long.parseUnsignedLong(header.get("member_id").toString())).isEqualTo(memberId);
      assertThat(ctl.ok("get", "", "--from-key")).isEqualTo("a\n3\nc\nx\n");
      assertThat(hashKv(ctl)).isEqualTo(hashAt6);
      ctl.ok("put", "d", "4");
      Map<?, ?> d = (Map<?, ?>) Json.parse(ctl.ok("get", "d", "-w", "json"));
      assertThat(((Map<?, ?>) d.get("header")).get("revision")).hasToString("7");
    }

    // bump + mark-compacted: old revisions read as compacted, new writes continue above
    int peer2 = FreePorts.next();
    Path bumped = tmp.resolve("bumped");
    ProcessResult b =
        cairnRun("snapshot", "restore", file.toString(), "--data-dir", bumped.toString(),
            "--name", "m1", "--initial-cluster", "m1=http://127.0.0.1:" + peer2,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer2,
            "--bump-revision", "1000", "--mark-compacted");
    assertThat(b.exitCode()).as(b.toString()).isZero();
    try (MemberProcess m = MemberProcess.builder(info).name("m1").peerPort(peer2).dataDir(bumped).startReady()) {
      Etcdctl ctl = Etcdctl.of(m);
      assertThat(ctl.fails("get", "a", "--rev", "4")).contains("required revision has been compacted");
      assertThat(ctl.ok("get", "a")).isEqualTo("a\n3\n");
      ctl.ok("put", "e", "5");
      Map<?, ?> e = (Map<?, ?>) Json.parse(ctl.ok("get", "e", "-w", "json"));
      assertThat(((Map<?, ?>) e.get("header")).get("revision")).hasToString("1007");
    }
  }

  /**
   * What the tools expect of a snapshot, checked against etcd itself: the file from {@code
   * etcdctl snapshot save} is the database plus a 32-byte trailer (length % 512 == 32), and {@code
   * snapshot status} prints the formats {@link SnapshotStatus} reproduces.
   */
  @Test
  void referenceSnapshotShape(TestInfo info) throws Exception {
    Path file = tmp.resolve("etcd.db");
    try (MemberProcess m = MemberProcess.builder(ServerKind.reference()).test(info).startReady()) {
      Etcdctl ctl = Etcdctl.of(m);
      ctl.ok("put", "a", "1");
      ctl.ok("put", "b", "2");
      ctl.ok("snapshot", "save", file.toString());
    }
    assertThat(Files.size(file) % 512).isEqualTo(32);
    Etcdctl offline = Etcdctl.of("127.0.0.1:1");
    Map<?, ?> json = (Map<?, ?>) Json.parse(offline.ok("snapshot", "status", file.toString(), "-w", "json"));
    assertThat(new java.util.TreeSet<Object>(json.keySet())).containsExactly((Object) "hash", "revision", "totalKey", "totalSize");
    SnapshotStatus same =
        new SnapshotStatus(
            Long.parseLong(json.get("hash").toString()),
            Long.parseLong(json.get("revision").toString()),
            Long.parseLong(json.get("totalKey").toString()),
            Long.parseLong(json.get("totalSize").toString()));
    assertThat(offline.ok("snapshot", "status", file.toString(), "-w", "json")).isEqualTo(same.json());
    assertThat(offline.ok("snapshot", "status", file.toString(), "-w", "table")).isEqualTo(same.table());
    assertThat(offline.ok("snapshot", "status", file.toString())).isEqualTo(same.simple());
  }

  private static long hashKv(Etcdctl ctl) {
    Object parsed = Json.parse(ctl.ok("endpoint", "hashkv", "-w", "json"));
    Map<?, ?> first = (Map<?, ?>) ((List<?>) parsed).get(0);
    Map<?, ?> hk = (Map<?, ?>) first.get("HashKV");
    return Long.parseLong(hk.get("hash").toString());
  }

  private static ProcessResult cairn(String... args) {
    ProcessResult r = cairnRun(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static ProcessResult cairnRun(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(RepoRoot.find().resolve("bin/cairn").toString());
    cmd.addAll(Arrays.asList(args));
    return Processes.run(cmd, Map.of(), null, Duration.ofSeconds(120));
  }
}
