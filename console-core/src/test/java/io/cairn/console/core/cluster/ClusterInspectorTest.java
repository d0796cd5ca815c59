package io.cairn.console.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.console.core.session.ClusterSession;
import io.cairn.console.core.session.ConnectionProfile;
import io.cairn.console.core.session.Failures;
import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.QuietLogging;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClusterInspectorTest {
  @BeforeAll
  static void quiet() {
    QuietLogging.install();
  }

  private static ClusterSession open(List<MemberProcess> members) {
    return ClusterSession.open(new ConnectionProfile("test",
        members.stream().map(MemberProcess::endpoint).toList(), null, null), null);
  }

  @Test
  void threeMembersShowOneLeaderTheirStatusAndLagAndAKilledMemberShowsUnreachable(TestInfo info)
      throws Exception {
    try (ClusterProcesses c = ClusterProcesses.start(info, ServerKind.CAIRN, 3);
        ClusterSession session = open(c.members())) {
      ClusterInspector inspector = new ClusterInspector(session);
      session.client().getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);
      MemberProcess leaderProcess = c.leader().orElseThrow();
      String leaderId = String.format("%16s", ClusterProcesses.memberId(leaderProcess)).replace(' ', '0');

      ClusterOverview o = await().atMost(Duration.ofSeconds(30))
          .until(() -> inspector.fetch().get(10, TimeUnit.SECONDS),
              ov -> ov.members().stream().allMatch(m -> ov.lag(m.id()) == 0));
      assertThat(o.clusterId()).matches("[0-9a-f]{16}");
      assertThat(o.members()).extracting(MemberView::name).containsExactlyInAnyOrder("m1", "m2", "m3");
      assertThat(o.members()).allSatisfy(m -> {
        assertThat(m.id()).matches("[0-9a-f]{16}");
        assertThat(m.learner()).isFalse();
        assertThat(m.clientUrls()).hasSize(1);
        assertThat(m.peerUrls()).hasSize(1);
      });
      assertThat(o.hasLeader()).isTrue();
      assertThat(o.leaderId()).isEqualTo(leaderId);
      assertThat(o.term()).isPositive();
      assertThat(o.statusById().values()).allSatisfy(s -> {
        assertThat(s.reachable()).isTrue();
        assertThat(s.healthy()).isTrue();
        assertThat(s.leaderId()).isEqualTo(leaderId);
        assertThat(s.raftAppliedIndex()).isPositive();
        assertThat(s.dbSize()).isPositive();
        assertThat(s.version()).isNotBlank();
      });
      assertThat(o.alarms()).isEmpty();
      assertThat(o.quotaBytes()).isPresent();
      assertThat(o.lag("0000000000000000")).isEqualTo(-1);

      MemberProcess victim = c.members().stream().filter(m -> m != leaderProcess).findFirst().orElseThrow();
      String victimId = String.format("%16s", ClusterProcesses.memberId(victim)).replace(' ', '0');
      victim.kill9();
      ClusterOverview after = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> inspector.fetch().get(10, TimeUnit.SECONDS),
              ov -> !ov.statusById().get(victimId).reachable());
      MemberStatus dead = after.statusById().get(victimId);
      assertThat(dead.error()).contains("connection refused");
      assertThat(dead.endpoint()).isEqualTo(victim.clientUrl());
      assertThat(dead.healthy()).isNull();
      assertThat(after.lag(victimId)).isEqualTo(-1);
      assertThat(after.members()).hasSize(3);
      assertThat(after.statusById().values().stream().filter(MemberStatus::reachable)).hasSize(2);
      assertThat(after.leaderId()).isEqualTo(leaderId);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void singleMemberOverviewDefragmentAndCompact(ServerKind kind, TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(info).startReady();
        ClusterSession session = open(List.of(m))) {
      ClusterInspector inspector = new ClusterInspector(session);
      long last = 0;
      for (int i = 0; i < 20; i++) {
        last = session.client().getKVClient().put(bytes("k" + (i % 3)), bytes("value " + i))
            .get(10, TimeUnit.SECONDS).getHeader().getRevision();
      }
      ClusterOverview o = inspector.fetch().get(30, TimeUnit.SECONDS);
      assertThat(o.members()).hasSize(1);
      MemberView only = o.members().get(0);
      assertThat(o.leaderId()).isEqualTo(only.id());
      assertThat(o.lag(only.id())).isZero();
      MemberStatus s = o.statusById().get(only.id());
      assertThat(s.reachable()).isTrue();
      assertThat(s.healthy()).isTrue();
      assertThat(s.endpoint()).isEqualTo(m.clientUrl());
      assertThat(o.quotaBytes()).isPresent();
      assertThat(o.quotaBytes().getAsLong()).isPositive();

      inspector.defragment(only.id()).get(30, TimeUnit.SECONDS);
      assertThat(Failures.unwrap(inspector.defragment("00000000000000ff").handle((v, e) -> e)
          .get(10, TimeUnit.SECONDS))).hasMessageContaining("no member");

      assertThat(inspector.compact(last - 5, true).get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(last);
      Throwable again = inspector.compact(last - 5, false).handle((v, e) -> e).get(10, TimeUnit.SECONDS);
      assertThat(again).isNotNull();
      assertThat(Failures.unwrap(again)).hasMessageContaining("required revision has been compacted");
      Throwable future = inspector.compact(last + 100, false).handle((v, e) -> e).get(10, TimeUnit.SECONDS);
      assertThat(Failures.unwrap(future)).hasMessageContaining("required revision is a future revision");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aNoSpaceAlarmShowsWithTheQuotaAndDisarmClearsIt(ServerKind kind, TestInfo info) throws Exception {
    long quota = 2_000_000;
    try (MemberProcess m = MemberProcess.builder(kind).test(info).args("--quota-backend-bytes=" + quota)
        .startReady();
        ClusterSession session = open(List.of(m))) {
      ClusterInspector inspector = new ClusterInspector(session);
      ByteSequence big = ByteSequence.from(new byte[100_000]);
      boolean refused = false;
      for (int i = 0; i < 100 && !refused; i++) {
        refused = session.client().getKVClient().put(bytes("fill/" + i), big).handle((r, e) -> e != null)
            .get(10, TimeUnit.SECONDS);
      }
      assertThat(refused).as("writes past the quota are refused").isTrue();
      ClusterOverview full = inspector.fetch().get(30, TimeUnit.SECONDS);
      String id = full.members().get(0).id();
      assertThat(full.alarms()).containsExactly(new AlarmView(id, "NOSPACE"));
      assertThat(full.quotaBytes()).isEqualTo(OptionalLong.of(quota));
      assertThat(full.statusById().get(id).healthy()).isFalse();

      long rev = session.client().getKVClient().delete(bytes("fill/"),
          io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS)
          .getHeader().getRevision();
      inspector.compact(rev, true).get(30, TimeUnit.SECONDS);
      inspector.defragment(id).get(60, TimeUnit.SECONDS);
      inspector.disarm(full.alarms().get(0)).get(10, TimeUnit.SECONDS);
      ClusterOverview cleared = inspector.fetch().get(30, TimeUnit.SECONDS);
      assertThat(cleared.alarms()).isEmpty();
      assertThat(cleared.statusById().get(id).healthy()).isTrue();
      session.client().getKVClient().put(bytes("small"), bytes("x")).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void quotaIsReadFromPrometheusText() {
    String metrics = "# HELP etcd_server_quota_backend_bytes Current backend storage quota size in bytes.\n"
        + "# TYPE etcd_server_quota_backend_bytes gauge\n"
        + "etcd_server_quota_backend_bytes_other 5\n"
        + "etcd_server_quota_backend_bytes 2.147483648e+09\n";
    assertThat(ClusterInspector.parseQuota(metrics)).isEqualTo(OptionalLong.of(2147483648L));
    assertThat(ClusterInspector.parseQuota("etcd_server_quota_backend_bytes{a=\"b c\"} 42 1700000000\n"))
        .isEqualTo(OptionalLong.of(42));
    assertThat(ClusterInspector.parseQuota("nothing here\n")).isEmpty();
  }

  @Test
  void idsAreSixteenUnsignedHexDigits() {
    assertThat(ClusterInspector.hex(0xabcL)).isEqualTo("0000000000000abc");
    assertThat(ClusterInspector.hex(-1L)).isEqualTo("ffffffffffffffff");
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
