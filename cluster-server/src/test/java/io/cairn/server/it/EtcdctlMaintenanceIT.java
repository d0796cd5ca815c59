package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Differential;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.Json;
import io.cairn.server.testing.LiveProcess;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.Outputs;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import io.cairn.server.testing.RepoRoot;
import io.cairn.server.testing.ServerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance and cluster commands of etcdctl, the HTTP endpoints on the client port and the JSON
 * gateway, each next to a reference etcd. Values that legitimately differ between the two (ids,
 * ports, versions, database sizes, raft indexes) are checked for shape; hashes and revisions must
 * be equal.
 */
class EtcdctlMaintenanceIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final List<String> STATUS_COLUMNS = List.of("ENDPOINT", "ID", "VERSION", "DB SIZE",
      "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS");
  private static final List<String> MEMBER_COLUMNS =
      List.of("ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER");

  @TempDir Path tmp;
  private Differential d;

  @BeforeEach
  void startPair(TestInfo info) {
    d = Differential.start(info);
  }

  @AfterEach
  void stopPair() {
    if (d != null) {
      d.close();
    }
  }

  private List<MemberProcess> both() {
    return List.of(d.reference(), d.subject());
  }

  @Test
  void endpointStatusHealthAndMemberList() {
    List<Object> statusShapes = new ArrayList<>();
    List<Object> memberShapes = new ArrayList<>();
    List<Object> healthShapes = new ArrayList<>();
    for (MemberProcess m : both()) {
      Etcdctl ctl = Etcdctl.of(m);
      ctl.ok("put", "k", "v");
      boolean cairn = m.kind().isCairn();

      Map<?, ?> members = (Map<?, ?>) Json.parse(ctl.ok("member", "list", "-w", "json"));
      Map<?, ?> self = (Map<?, ?>) ((List<?>) members.get("members")).get(0);
      String idHex = Long.toHexString(Long.parseUnsignedLong(self.get("ID").toString()));
      assertThat(self.get("name")).hasToString(m.name());
      assertThat(self.get("peerURLs")).isEqualTo(List.of(m.peerUrl()));
      assertThat(self.get("clientURLs")).isEqualTo(List.of(m.clientUrl()));
      memberShapes.add(shape(members));

      List<List<String>> memberTable = table(ctl.ok("member", "list", "-w", "table"));
      assertThat(memberTable.get(0)).isEqualTo(MEMBER_COLUMNS);
      assertThat(memberTable).hasSize(2);
      assertThat(memberTable.get(1))
          .containsExactly(idHex, "started", m.name(), m.peerUrl(), m.clientUrl(), "false");
      assertThat(ctl.ok("member", "list"))
          .isEqualTo(idHex + ", started, " + m.name() + ", " + m.peerUrl() + ", " + m.clientUrl() + ", false\n");

      List<List<String>> statusTable = table(ctl.ok("endpoint", "status", "-w", "table"));
      assertThat(statusTable.get(0)).isEqualTo(STATUS_COLUMNS);
      assertThat(statusTable).hasSize(2);
      List<String> row = statusTable.get(1);
      assertThat(row.get(0)).isEqualTo(m.endpoint());
      assertThat(row.get(1)).isEqualTo(idHex);
      assertThat(row.get(2)).matches(cairn ? "3\\.5\\.\\d+" : "3\\.\\d+\\.\\d+");
      assertThat(row.get(3)).matches("\\d+(\\.\\d+)? [kMG]?B");
      assertThat(row.subList(4, 6)).containsExactly("true", "false");
      assertThat(row.get(9)).isEmpty();

      Map<?, ?> status = (Map<?, ?>) ((List<?>) Json.parse(ctl.ok("endpoint", "status", "-w", "json"))).get(0);
      assertThat(status.get("Endpoint")).isEqualTo(m.endpoint());
      Map<?, ?> st = (Map<?, ?>) status.get("Status");
      assertThat(st.get("leader")).hasToString(self.get("ID").toString());
      assertThat(((Map<?, ?>) st.get("header")).get("member_id")).hasToString(self.get("ID").toString());
      assertThat(((Map<?, ?>) st.get("header")).get("revision")).hasToString("2");
      assertThat(Long.parseLong(st.get("raftAppliedIndex").toString()))
          .isEqualTo(Long.parseLong(st.get("raftIndex").toString()));
      assertThat(Long.parseLong(st.get("dbSizeInUse").toString()))
          .isPositive().isLessThanOrEqualTo(Long.parseLong(st.get("dbSize").toString()));
      statusShapes.add(shape(status));

      ProcessResult health1 = ctl.run("endpoint", "health");
      assertThat(health1.exitCode()).isZero();
      assertThat(Outputs.stripClientLogs(health1.combined()))
          .matches(java.util.regex.Pattern.quote(m.endpoint())
              + " is healthy: successfully committed proposal: took = [0-9.]+[µnm]?s\n");
      Map<?, ?> health = (Map<?, ?>) ((List<?>) Json.parse(ctl.ok("endpoint", "health", "-w", "json"))).get(0);
      assertThat(health.get("health")).isEqualTo(Boolean.TRUE);
      assertThat(health.get("endpoint")).isEqualTo(m.endpoint());
      healthShapes.add(shape(health));
    }
    assertThat(memberShapes.get(1)).isEqualTo(memberShapes.get(0));
    assertThat(statusShapes.get(1)).isEqualTo(statusShapes.get(0));
    assertThat(healthShapes.get(1)).isEqualTo(healthShapes.get(0));
  }

  @Test
  void hashKvMatchesEtcdAfterTheSameHistoryAndAcrossCompaction() {
    history();
    assertThat(hash(d.subjectCtl())).isEqualTo(hash(d.referenceCtl()));
    String simpleRef = d.referenceCtl().ok("endpoint", "hashkv");
    String simpleSub = d.subjectCtl().ok("endpoint", "hashkv");
    assertThat(simpleSub.replace(d.subject().endpoint(), "EP")).isEqualTo(simpleRef.replace(d.reference().endpoint(), "EP"));

    for (String rev : new String[] {"3", "6", "9"}) {
      assertThat(hash(d.subjectCtl(), "--rev", rev)).as("--rev " + rev).isEqualTo(hash(d.referenceCtl(), "--rev", rev));
    }
    assertThat(d.same("compaction", "6").stdout()).isEqualTo("compacted revision 6\n");
    Map<?, ?> after = hash(d.referenceCtl());
    assertThat(after.get("compact_revision")).hasToString("6");
    assertThat(hash(d.subjectCtl())).isEqualTo(after);
    for (String rev : new String[] {"7", "8", "10"}) {
      assertThat(hash(d.subjectCtl(), "--rev", rev)).as("--rev " + rev).isEqualTo(hash(d.referenceCtl(), "--rev", rev));
    }
    for (String rev : new String[] {"5", "6"}) { // at or below the compact revision
      ProcessResult old = d.subjectCtl().run("endpoint", "hashkv", "--rev", rev);
      assertThat(old.exitCode()).as("--rev " + rev).isNotZero();
      assertThat(old.combined()).contains("etcdserver: mvcc: required revision has been compacted");
    }
    // physical compaction then more writes: still the same hash
    d.same("compaction", "--physical", "8");
    d.same("put", "h/after", "compaction");
    assertThat(hash(d.subjectCtl())).isEqualTo(hash(d.referenceCtl()));
  }

  @Test
  void snapshotSaveThenStatus() throws Exception {
    history();
    for (MemberProcess m : both()) {
      Path file = tmp.resolve(m.name() + ".db");
      String saved = Etcdctl.of(m).withCommandTimeout(Duration.ofSeconds(60)).ok("snapshot", "save", file.toString());
      assertThat(saved).contains("Snapshot saved at " + file);
      assertThat(Files.size(file) % 512).isEqualTo(32);
      Map<?, ?> status = (Map<?, ?>) Json.parse(snapshotStatus(m.kind(), file, "-w", "json"));
      assertThat(new TreeSet<Object>(status.keySet())).containsExactly("hash", "revision", "totalKey", "totalSize");
      assertThat(status.get("revision")).hasToString("10");
      String table = snapshotStatus(m.kind(), file, "-w", "table");
      List<List<String>> rows = table(table);
      assertThat(rows.get(0)).containsExactly("HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE");
      assertThat(rows).hasSize(2);
      assertThat(rows.get(1).get(0)).isEqualTo(Long.toHexString(Long.parseLong(status.get("hash").toString())));
      assertThat(rows.get(1).subList(1, 3))
          .containsExactly("10", status.get("totalKey").toString());
      assertThat(rows.get(1).get(3)).matches("\\d+(\\.\\d+)? [kMG]?B");
    }
  }

  @Test
  void defragmentSucceeds() {
    history();
    ProcessResult r = d.subjectCtl().run("defrag");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEqualTo("Finished defragmenting etcd member[" + d.subject().endpoint() + "]\n");
    assertThat(d.referenceCtl().ok("defrag"))
        .isEqualTo("Finished defragmenting etcd member[" + d.reference().endpoint() + "]\n");
    d.same("get", "h/", "--prefix", "-w", "json");
    assertThat(hash(d.subjectCtl())).isEqualTo(hash(d.referenceCtl()));
  }

  @Test
  void alarmListIsEmpty() {
    ProcessResult r = d.same("alarm", "list");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEmpty();
    // etcd 3.4 answers Alarm without a response header; Cairn fills it as in every other
    // answer. What matters to clients is that no alarm is listed.
    for (MemberProcess m : both()) {
      Map<?, ?> json = (Map<?, ?>) Json.parse(Etcdctl.of(m).ok("alarm", "list", "-w", "json"));
      assertThat(json.containsKey("alarms")).isFalse();
    }
  }

  @Test
  void healthVersionAndMetricsOverHttp() {
    for (MemberProcess m : both()) {
      Etcdctl.of(m).ok("put", "m", "1");
      Etcdctl.of(m).ok("get", "m");
      assertThat(curl(m, "/health")).isEqualTo("{\"health\":\"true\"}");
      Map<?, ?> version = (Map<?, ?>) Json.parse(curl(m, "/version"));
      assertThat(new TreeSet<Object>(version.keySet())).containsExactly("etcdcluster", "etcdserver");
      if (m.kind().isCairn()) {
        assertThat(version.get("etcdserver").toString()).matches("3\\.5\\.\\d+");
        assertThat(version.get("etcdcluster")).isEqualTo("3.5.0");
      } else {
        assertThat(version.get("etcdserver").toString()).matches("3\\.\\d+\\.\\d+");
        assertThat(version.get("etcdcluster").toString()).matches("3\\.\\d+\\.0");
      }
      String metrics = curl(m, "/metrics");
      List<String> lines = metrics.lines().toList();
      assertThat(lines).contains("etcd_server_has_leader 1",
          "# TYPE etcd_disk_wal_fsync_duration_seconds histogram",
          "# TYPE etcd_mvcc_db_total_size_in_bytes gauge");
      assertThat(lines).anySatisfy(l -> assertThat(l).matches("etcd_mvcc_db_total_size_in_bytes [0-9.e+]+"));
      List<String> buckets = lines.stream()
          .filter(l -> l.startsWith("etcd_disk_wal_fsync_duration_seconds_bucket{"))
          .map(l -> l.substring(l.indexOf("le=\"") + 4, l.indexOf("\"}")))
          .toList();
      assertThat(buckets).containsExactly("0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064",
          "0.128", "0.256", "0.512", "1.024", "2.048", "4.096", "8.192", "+Inf");
      String ok = "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Range\","
          + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} ";
      assertThat(lines).anySatisfy(l -> {
        assertThat(l).startsWith(ok);
        assertThat(Double.parseDouble(l.substring(ok.length()))).isGreaterThanOrEqualTo(1);
      });
    }
  }

  @Test
  void openWatchStreamIsCountedInMetrics() {
    for (MemberProcess m : both()) {
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "x")) {
        EtcdctlWatchLeaseIT.awaitWatchers(m, 1);
        assertThat(curl(m, "/metrics").lines().toList())
            .contains("etcd_debugging_mvcc_watcher_total 1", "etcd_debugging_mvcc_watch_stream_total 1");
      }
    }
  }

  @Test
  void gatewayPutRangeAndWatchBodiesMatchEtcd() {
    String[][] steps = {
        {"/v3/kv/put", "{\"key\":\"Z3cvYQ==\",\"value\":\"MQ==\"}"},
        {"/v3/kv/put", "{\"key\":\"Z3cvYg==\",\"value\":\"Mg==\",\"prev_kv\":true}"},
        {"/v3/kv/put", "{\"key\":\"Z3cvYQ==\",\"value\":\"Mw==\",\"prev_kv\":true}"},
        {"/v3/kv/range", "{\"key\":\"Z3cv\",\"range_end\":\"Z3cw\"}"},
        {"/v3/kv/range", "{\"key\":\"Z3cvYQ==\",\"revision\":\"2\"}"},
        {"/v3/kv/range", "{\"key\":\"Z3cv\",\"range_end\":\"Z3cw\",\"keys_only\":true,\"limit\":\"1\"}"},
    };
    for (String[] step : steps) {
      String want = Outputs.normaliseJson(post(d.reference(), step[0], step[1]), false);
      String got = Outputs.normaliseJson(post(d.subject(), step[0], step[1]), false);
      assertThat(got).as(step[0] + " " + step[1]).isEqualTo(want);
    }
    List<String> streams = new ArrayList<>();
    for (MemberProcess m : both()) {
      try (LiveProcess curl = LiveProcess.start(List.of("curl", "-sS", "-N", "--max-time", "20", "-d",
          "{\"create_request\":{\"key\":\"Z3cv\",\"range_end\":\"Z3cw\",\"prev_kv\":true}}",
          "http://" + m.endpoint() + "/v3/watch"), Map.of())) {
        curl.awaitStdout(o -> o.contains("\"created\":true"), WAIT);
        EtcdctlWatchLeaseIT.awaitWatchers(m, 1);
        post(m, "/v3/kv/put", "{\"key\":\"Z3cvYQ==\",\"value\":\"NA==\"}");
        post(m, "/v3/kv/deleterange", "{\"key\":\"Z3cv\",\"range_end\":\"Z3cw\"}");
        String out = curl.awaitStdout(o -> o.lines().filter(l -> !l.isBlank()).count() >= 3, WAIT);
        streams.add(Outputs.normaliseJson(out, false));
      }
    }
    assertThat(streams.get(0)).hasLineCount(3);
    assertThat(streams.get(1)).isEqualTo(streams.get(0));
  }

  // ---------------------------------------------------------------------------------------------

  /** Revisions 2..10 on both members. */
  private void history() {
    d.same("put", "h/a", "1"); // 2
    d.same("put", "h/b", "2"); // 3
    d.same("put", "h/a", "3"); // 4
    d.same("del", "h/b"); // 5
    d.sameWithStdin("\nput h/c 4\nput h/d 5\ndel h/a\n\n\n", "txn"); // 6
    d.same("put", "h/b", "6"); // 7
    d.same("put", "h/c", "7"); // 8
    d.same("del", "h/", "--prefix"); // 9
    d.same("put", "h/e", "8"); // 10
  }

  /** The HashKV result (without Endpoint and volatile header fields) of {@code endpoint hashkv}. */
  private static Map<?, ?> hash(Etcdctl ctl, String... extra) {
    List<String> args = new ArrayList<>(List.of("endpoint", "hashkv", "-w", "json"));
    args.addAll(Arrays.asList(extra));
    String out = ctl.ok(args.toArray(String[]::new));
    Map<?, ?> first = (Map<?, ?>) ((List<?>) Json.parse(out)).get(0);
    return (Map<?, ?>) Json.parse(Outputs.normaliseJson(Json.write(first.get("HashKV")), false));
  }

  /**
   * Key names and value kinds of a JSON value, with values dropped: what two servers must agree
   * on even when ids and sizes differ.
   */
  private static Object shape(Object v) {
    if (v instanceof Map<?, ?> m) {
      java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
      m.forEach((k, x) -> out.put(k.toString(), shape(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(EtcdctlMaintenanceIT::shape).toList();
    }
    return v == null ? "null" : v.getClass().getSimpleName();
  }

  /** The cells of an etcdctl table, row by row, without the border lines. */
  private static List<List<String>> table(String out) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.startsWith("|")) {
        String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
        rows.add(Arrays.stream(cells).map(String::trim).toList());
      }
    }
    return rows;
  }

  private static String snapshotStatus(ServerKind kind, Path file, String... format) {
    List<String> cmd = new ArrayList<>();
    if (kind.isCairn()) {
      cmd.add(RepoRoot.find().resolve("bin/cairn").toString());
    } else {
      cmd.addAll(List.of("/usr/bin/etcdctl", "--endpoints=127.0.0.1:1"));
    }
    cmd.addAll(List.of("snapshot", "status", file.toString()));
    cmd.addAll(Arrays.asList(format));
    ProcessResult r = Processes.run(cmd, Map.of("ETCDCTL_API", "3"), null, Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.stdout();
  }

  private static String curl(MemberProcess m, String path) {
    ProcessResult r = Processes.run(List.of("curl", "-sS", "--max-time", "10", "http://" + m.endpoint() + path),
        Map.of(), null, Duration.ofSeconds(20));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.stdout();
  }

  private static String post(MemberProcess m, String path, String body) {
    ProcessResult r = Processes.run(List.of("curl", "-sS", "--max-time", "10", "-d", body,
        "http://" + m.endpoint() + path), Map.of(), null, Duration.ofSeconds(20));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.stdout();
  }
}
