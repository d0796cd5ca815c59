package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Json;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.Outputs;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import io.cairn.server.testing.ServerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The JSON gateway on the client port, driven with curl: exact bodies (modulo the cluster's
 * identifiers), etcd's error bodies and statuses, the streaming envelope of {@code /v3/watch}, and
 * a differential run of one request sequence against the reference etcd.
 */
class GatewayIT {
  /** HTTP status and body of one curl call. */
  record Reply(int status, String body) {
    String normalised() {
      return Outputs.normaliseJson(body, false);
    }
  }

  private static List<String> keys(Map<?, ?> m) {
    return m.keySet().stream().map(String::valueOf).toList();
  }

  private static Reply post(MemberProcess m, String path, String json) {
    return curl(List.of("-d", json, "http://" + m.endpoint() + path));
  }

  private static Reply curl(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10",
        "-H", "Content-Type: application/json", "-w", "\n%{http_code}"));
    cmd.addAll(args);
    ProcessResult r = Processes.run(cmd, Map.of(), null, Duration.ofSeconds(20));
    assertThat(r.exitCode()).as("curl %s\n%s", args, r).isZero();
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    return new Reply(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
  }

  /** Canonical form of {@code expected} for comparison with {@link Reply#normalised()}. */
  private static String json(String expected) {
    return Outputs.normaliseJson(expected, false);
  }

  // Error bodies are compared with keys sorted: etcd 3.5 writes error, code, message (pinned in
  // GatewayJsonTest); the reference etcd 3.4 writes error, message, code.

  private static void assertOk(Reply r, String expected) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.normalised()).isEqualTo(json(expected));
  }

  @Test
  void kvRoundTrips(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      Reply put = post(m, "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");
      assertOk(put, "{\"header\":{\"revision\":\"2\"}}");
      // Field order and the full header as etcd writes them.
      assertThat(put.body()).matches(
          "\\{\"header\":\\{\"cluster_id\":\"\\d+\",\"member_id\":\"\\d+\",\"revision\":\"2\","
              + "\"raft_term\":\"\\d+\"}}");

      assertOk(post(m, "/v3/kv/range", "{\"key\":\"Zm9v\"}"),
          "{\"header\":{\"revision\":\"2\"},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\","
              + "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}],\"count\":\"1\"}");
      assertOk(post(m, "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmF6\",\"prev_kv\":true}"),
          "{\"header\":{\"revision\":\"3\"},\"prev_kv\":{\"key\":\"Zm9v\",\"create_revision\":\"2\","
              + "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}}");
      assertOk(post(m, "/v3/kv/put", "{\"key\":\"Zm9vMg==\",\"value\":\"eA==\"}"),
          "{\"header\":{\"revision\":\"4\"}}");
      // Prefix range with limit and count; camelCase names are accepted too.
      assertOk(post(m, "/v3/kv/range", "{\"key\":\"Zm9v\",\"rangeEnd\":\"Zm9w\",\"limit\":1}"),
          "{\"header\":{\"revision\":\"4\"},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\","
              + "\"mod_revision\":\"3\",\"version\":\"2\",\"value\":\"YmF6\"}],\"more\":true,"
              + "\"count\":\"2\"}");
      assertOk(post(m, "/v3/kv/range",
              "{\"key\":\"Zm9v\",\"range_end\":\"Zm9w\",\"count_only\":true}"),
          "{\"header\":{\"revision\":\"4\"},\"count\":\"2\"}");
      assertOk(post(m, "/v3/kv/range", "{\"key\":\"bm9uZQ==\"}"),
          "{\"header\":{\"revision\":\"4\"}}");

      // Txn: a compare without "result" is EQUAL.
      assertOk(post(m, "/v3/kv/txn", "{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"VALUE\","
              + "\"value\":\"YmF6\"}],\"success\":[{\"request_put\":{\"key\":\"Zm9v\","
              + "\"value\":\"cXV4\"}}],\"failure\":[{\"request_range\":{\"key\":\"Zm9v\"}}]}"),
          "{\"header\":{\"revision\":\"5\"},\"succeeded\":true,\"responses\":[{\"response_put\":"
              + "{\"header\":{\"revision\":\"5\"}}}]}");
      assertOk(post(m, "/v3/kv/txn", "{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"VERSION\","
              + "\"result\":\"GREATER\",\"version\":\"10\"}],\"failure\":[{\"request_range\":"
              + "{\"key\":\"Zm9v\"}}]}"),
          "{\"header\":{\"revision\":\"5\"},\"responses\":[{\"response_range\":{\"header\":"
              + "{\"revision\":\"5\"},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\","
              + "\"mod_revision\":\"5\",\"version\":\"3\",\"value\":\"cXV4\"}],\"count\":\"1\"}}]}");

      assertOk(post(m, "/v3/kv/deleterange",
              "{\"key\":\"Zm9v\",\"range_end\":\"Zm9w\",\"prev_kv\":true}"),
          "{\"header\":{\"revision\":\"6\"},\"deleted\":\"2\",\"prev_kvs\":[{\"key\":\"Zm9v\","
              + "\"create_revision\":\"2\",\"mod_revision\":\"5\",\"version\":\"3\","
              + "\"value\":\"cXV4\"},{\"key\":\"Zm9vMg==\",\"create_revision\":\"4\","
              + "\"mod_revision\":\"4\",\"version\":\"1\",\"value\":\"eA==\"}]}");
      assertOk(post(m, "/v3/kv/deleterange", "{\"key\":\"Zm9v\"}"),
          "{\"header\":{\"revision\":\"6\"}}");

      assertOk(post(m, "/v3/kv/compaction", "{\"revision\":\"4\",\"physical\":true}"),
          "{\"header\":{\"revision\":\"6\"}}");
      Reply compacted = post(m, "/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":\"3\"}");
      assertThat(compacted.status()).isEqualTo(400);
      assertThat(compacted.normalised()).isEqualTo(json("{\"error\":\"etcdserver: mvcc: required revision has been compacted\",\"code\":11,"
              + "\"message\":\"etcdserver: mvcc: required revision has been compacted\"}"));
    }
  }

  @Test
  void errorBodies(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      Reply emptyKey = post(m, "/v3/kv/put", "{\"value\":\"YmFy\"}");
      assertThat(emptyKey.status()).isEqualTo(400);
      assertThat(emptyKey.normalised()).isEqualTo(json("{\"error\":\"etcdserver: key is not provided\","
          + "\"code\":3,\"message\":\"etcdserver: key is not provided\"}"));

      Reply future = post(m, "/v3/kv/compaction", "{\"revision\":\"100\"}");
      assertThat(future.status()).isEqualTo(400);
      assertThat(future.normalised()).isEqualTo(json("{\"error\":\"etcdserver: mvcc: required revision is a future revision\",\"code\":11,"
              + "\"message\":\"etcdserver: mvcc: required revision is a future revision\"}"));

      Reply malformed = post(m, "/v3/kv/range", "{bad");
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.normalised()).isEqualTo(json("{\"error\":\"invalid character 'b' looking for beginning of object key string\","
              + "\"code\":3,\"message\":\"invalid character 'b' looking for beginning of object"
              + " key string\"}"));
      Reply truncated = post(m, "/v3/kv/range", "{\"key\":\"Zm9v\"");
      assertThat(truncated.status()).isEqualTo(400);
      assertThat(Json.parse(truncated.body()).toString()).contains("code=3");

      Reply get = curl(List.of("http://" + m.endpoint() + "/v3/kv/range"));
      assertThat(get.status()).isEqualTo(405);
      assertThat(get.body()).isEqualTo("Method Not Allowed\n");

      Reply unknown = post(m, "/v3/kv/nope", "{}");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.body()).isEqualTo("Not Found\n");
    }
  }

  @Test
  void v3betaPrefixAndClusterAndMaintenance(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).name("gw").startReady()) {
      assertOk(post(m, "/v3beta/kv/put", "{\"key\":\"YQ==\",\"value\":\"Yg==\"}"),
          "{\"header\":{\"revision\":\"2\"}}");
      assertOk(post(m, "/v3beta/kv/range", "{\"key\":\"YQ==\"}"),
          "{\"header\":{\"revision\":\"2\"},\"kvs\":[{\"key\":\"YQ==\",\"create_revision\":\"2\","
              + "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"Yg==\"}],\"count\":\"1\"}");

      Reply members = post(m, "/v3/cluster/member/list", "{}");
      assertThat(members.status()).isEqualTo(200);
      Map<?, ?> ml = (Map<?, ?>) Json.parse(members.body());
      assertThat(keys((Map<?, ?>) ml.get("header")))
          .containsExactlyInAnyOrder("cluster_id", "member_id", "raft_term");
      List<?> list = (List<?>) ml.get("members");
      assertThat(list).hasSize(1);
      Map<?, ?> self = (Map<?, ?>) list.get(0);
      assertThat(keys(self)).containsExactlyInAnyOrder("ID", "name", "peerURLs", "clientURLs");
      assertThat(self.get("name")).isEqualTo("gw");
      assertThat(self.get("peerURLs")).isEqualTo(List.of(m.peerUrl()));
      assertThat(self.get("clientURLs")).isEqualTo(List.of(m.clientUrl()));

      Reply status = post(m, "/v3/maintenance/status", "{}");
      assertThat(status.status()).isEqualTo(200);
      Map<?, ?> st = (Map<?, ?>) Json.parse(status.body());
      assertThat(keys(st)).containsExactlyInAnyOrder("header", "version", "dbSize", "leader",
          "raftIndex", "raftTerm", "raftAppliedIndex", "dbSizeInUse");
      assertThat(st.get("leader")).isEqualTo(self.get("ID"));
      assertThat(st.get("dbSize")).isInstanceOf(String.class);
      assertThat(((Map<?, ?>) st.get("header")).get("revision")).isEqualTo("2");
    }
  }

  @Test
  void sameAnswersAsTheReferenceEtcd(TestInfo info) {
    List<String[]> steps = List.of(
        new String[] {"/v3/kv/put", "{\"key\":\"YQ==\",\"value\":\"MQ==\"}"},
        new String[] {"/v3/kv/put", "{\"key\":\"Yg==\",\"value\":\"Mg==\",\"prev_kv\":true}"},
        new String[] {"/v3/kv/put", "{\"key\":\"YQ==\",\"value\":\"Mw==\",\"prev_kv\":true}"},
        new String[] {"/v3/kv/range", "{\"key\":\"YQ==\",\"range_end\":\"Yw==\"}"},
        new String[] {"/v3/kv/range", "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"keys_only\":true,"
            + "\"sort_order\":\"DESCEND\",\"sort_target\":\"MOD\"}"},
        new String[] {"/v3/kv/range", "{\"key\":\"YQ==\",\"revision\":\"2\"}"},
        new String[] {"/v3/kv/range", "{\"key\":\"YQ==\",\"revision\":\"99\"}"},
        new String[] {"/v3/kv/range", "{}"},
        new String[] {"/v3/kv/range", ""},
        new String[] {"/v3/kv/put", "{\"key\":\"YQ==\",\"ignore_value\":true}"},
        new String[] {"/v3/kv/put", "{\"key\":\"bm9uZQ==\",\"ignore_value\":true}"},
        new String[] {"/v3/kv/put", "{\"key\":\"YQ==\",\"lease\":\"12345\"}"},
        new String[] {"/v3/kv/txn", "{\"compare\":[{\"key\":\"YQ==\",\"target\":\"MOD\","
            + "\"result\":\"LESS\",\"mod_revision\":\"100\"},{\"key\":\"Yg==\",\"target\":\"CREATE\","
            + "\"create_revision\":\"3\"}],\"success\":[{\"request_delete_range\":{\"key\":\"Yg==\","
            + "\"prev_kv\":true}},{\"request_range\":{\"key\":\"YQ==\",\"count_only\":true}}]}"},
        new String[] {"/v3/kv/txn", "{\"success\":[{\"request_put\":{\"key\":\"YQ==\"}},"
            + "{\"request_put\":{\"key\":\"YQ==\"}}]}"},
        new String[] {"/v3/kv/txn", "{\"compare\":[{\"key\":\"YQ==\",\"target\":\"VALUE\","
            + "\"result\":\"NOT_EQUAL\",\"value\":\"eA==\"}],\"success\":[{\"request_txn\":"
            + "{\"success\":[{\"request_put\":{\"key\":\"Yw==\",\"value\":\"eQ==\"}}]}}]}"},
        new String[] {"/v3/kv/deleterange", "{\"key\":\"AA==\",\"range_end\":\"AA==\"}"},
        new String[] {"/v3/kv/compaction", "{\"revision\":\"3\"}"},
        new String[] {"/v3/kv/compaction", "{\"revision\":\"2\"}"},
        new String[] {"/v3/kv/range", "{\"key\":\"YQ==\",\"revision\":\"2\"}"},
        new String[] {"/v3beta/kv/range", "{\"key\":\"YQ==\"}"},
        new String[] {"/v3/kv/range", "{\"key\":\"YQ==\",\"limit\":\"x\"}"},
        new String[] {"/v3/kv/range", "[]"},
        new String[] {"/v3/kv/range", "{\"key\":\"YQ==\"} trailing"},
        new String[] {"/v3/kv/nothing", "{}"});
    MemberProcess subject = MemberProcess.builder(info).name("subject").start();
    try (subject;
        MemberProcess reference =
            MemberProcess.builder(ServerKind.reference()).test(info).name("reference").start()) {
      CompletableFuture<Void> ready = CompletableFuture.runAsync(reference::awaitReady);
      subject.awaitReady();
      ready.join();
      for (String[] step : steps) {
        Reply want = post(reference, step[0], step[1]);
        Reply got = post(subject, step[0], step[1]);
        String what = step[0] + " " + step[1];
        assertThat(got.status()).as(what + "\n" + got.body()).isEqualTo(want.status());
        if (want.body().startsWith("{") && want.status() == 200) {
          assertThat(got.normalised()).as(what).isEqualTo(want.normalised());
        } else if (want.body().startsWith("{")) {
          // Errors: same code; same text where it comes from etcd rather than from a JSON decoder.
          Map<?, ?> w = (Map<?, ?>) Json.parse(want.body());
          Map<?, ?> g = (Map<?, ?>) Json.parse(got.body());
          assertThat(g.get("code")).as(what).hasToString(w.get("code").toString());
          if (String.valueOf(w.get("message")).startsWith("etcdserver:")) {
            assertThat(g.get("message")).as(what).isEqualTo(w.get("message"));
          }
        }
      }
    }
  }

  /** Runs {@code curl -N} on a streaming route for {@code seconds}, then returns the lines. */
  private static CompletableFuture<List<String>> stream(
      MemberProcess m, String path, String body, int seconds) {
    return CompletableFuture.supplyAsync(() -> {
      ProcessResult r = Processes.run(List.of("curl", "-sS", "-N", "--max-time",
              String.valueOf(seconds), "-d", body, "http://" + m.endpoint() + path),
          Map.of(), null, Duration.ofSeconds(seconds + 10));
      assertThat(r.exitCode()).as(r.toString()).isIn(0, 28); // 28: ended by --max-time
      return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    });
  }

  private static Map<?, ?> result(String line) {
    Map<?, ?> envelope = (Map<?, ?>) Json.parse(line);
    assertThat(keys(envelope)).as(line).containsExactly("result");
    return (Map<?, ?>) envelope.get("result");
  }

  private static String withoutIds(Object v) {
    return Outputs.normaliseJson(Json.write(v), false).trim();
  }

  @Test
  void watchStreamsEventsUntilTheClientLeaves(TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      CompletableFuture<List<String>> lines =
          stream(m, "/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\"}}", 4);
      Thread.sleep(1500);
      assertOk(post(m, "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}"),
          "{\"header\":{\"revision\":\"2\"}}");
      assertOk(post(m, "/v3/kv/deleterange", "{\"key\":\"Zm9v\"}"),
          "{\"header\":{\"revision\":\"3\"},\"deleted\":\"1\"}");
      List<String> got = lines.get();
      assertThat(got).hasSize(3);
      assertThat(withoutIds(result(got.get(0))))
          .isEqualTo(withoutIds(Json.parse("{\"header\":{\"revision\":\"1\"},\"created\":true}")));
      assertThat(withoutIds(result(got.get(1)))).isEqualTo(withoutIds(Json.parse(
          "{\"header\":{\"revision\":\"2\"},\"events\":[{\"kv\":{\"key\":\"Zm9v\","
              + "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\","
              + "\"value\":\"YmFy\"}}]}")));
      assertThat(withoutIds(result(got.get(2)))).isEqualTo(withoutIds(Json.parse(
          "{\"header\":{\"revision\":\"3\"},\"events\":[{\"type\":\"DELETE\",\"kv\":{\"key\":\"Zm9v\","
              + "\"mod_revision\":\"3\"}}]}")));
      // The member still serves after the watcher left.
      assertThat(post(m, "/v3/kv/range", "{\"key\":\"Zm9v\"}").status()).isEqualTo(200);
    }
  }

  @Test
  void watchFromAnOldRevisionReplaysHistoryAndTakesSeveralRequests(TestInfo info)
      throws Exception {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      post(m, "/v3/kv/put", "{\"key\":\"YQ==\",\"value\":\"MQ==\"}");
      post(m, "/v3/kv/put", "{\"key\":\"YQ==\",\"value\":\"Mg==\"}");
      List<String> got = stream(m, "/v3/watch",
          "{\"create_request\":{\"key\":\"YQ==\",\"start_revision\":\"2\",\"prev_kv\":true}}\n"
              + "{\"create_request\":{\"key\":\"Yg==\"}}", 2).get();
      assertThat(got).hasSize(3);
      assertThat(withoutIds(result(got.get(0))))
          .isEqualTo(withoutIds(Json.parse("{\"header\":{\"revision\":\"3\"},\"created\":true}")));
      assertThat(withoutIds(result(got.get(1)))).isEqualTo(withoutIds(Json.parse(
          "{\"header\":{\"revision\":\"3\"},\"watch_id\":\"1\",\"created\":true}")));
      assertThat(withoutIds(result(got.get(2)))).isEqualTo(withoutIds(Json.parse(
          "{\"header\":{\"revision\":\"3\"},\"events\":[{\"kv\":{\"key\":\"YQ==\","
              + "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\","
              + "\"value\":\"MQ==\"}},{\"kv\":{\"key\":\"YQ==\",\"create_revision\":\"2\","
              + "\"mod_revision\":\"3\",\"version\":\"2\",\"value\":\"Mg==\"},\"prev_kv\":"
              + "{\"key\":\"YQ==\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
              + "\"version\":\"1\",\"value\":\"MQ==\"}}]}")));
    }
  }

  @Test
  void watchWithAMalformedFirstRequestIsAnUnknownError(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      Reply r = post(m, "/v3/watch", "{bad");
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.normalised()).isEqualTo(json("{\"error\":\"invalid character 'b' looking for beginning of object key string\","
              + "\"code\":2,\"message\":\"invalid character 'b' looking for beginning of object"
              + " key string\"}"));
    }
  }
}
