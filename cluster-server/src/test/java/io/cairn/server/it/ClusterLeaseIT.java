package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leases through followers: only the leader keeps lease deadlines, so a follower forwards
 * keep-alives and time-to-live questions to it. A lease kept alive through one follower outlives
 * its TTL, another follower sees its remaining time, and once the keep-alives stop it expires and
 * takes its key with it. Run against Cairn and etcd clusters alike.
 */
class ClusterLeaseIT {
  private static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(5s\\)");
  private static final Pattern REMAINING = Pattern.compile("remaining\\((-?\\d+)s\\)");

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aLeaseKeptAliveThroughAFollowerOutlivesItsTtlThenExpires(ServerKind kind, TestInfo info)
      throws InterruptedException {
    try (ClusterProcesses cluster = ClusterProcesses.start(info, kind, 3)) {
      MemberProcess leader = await().atMost(Duration.ofSeconds(30))
          .until(cluster::leader, l -> l.isPresent()).get();
      List<MemberProcess> followers = cluster.members().stream().filter(m -> m != leader).toList();
      Etcdctl viaFirst = Etcdctl.of(followers.get(0));
      Etcdctl viaSecond = Etcdctl.of(followers.get(1));

      Matcher granted = GRANTED.matcher(viaFirst.ok("lease", "grant", "5"));
      assertThat(granted.find()).isTrue();
      String lease = granted.group(1);
      viaFirst.ok("put", "session/owner", "me", "--lease=" + lease);

      // Twice the TTL with keep-alives through the first follower only.
      Instant until = Instant.now().plusSeconds(10);
      while (Instant.now().isBefore(until)) {
        assertThat(viaFirst.ok("lease", "keep-alive", "--once", lease))
            .contains("lease " + lease + " keepalived with TTL(5)");
        Thread.sleep(1000); // a keep-alive a second, as a client's session does
      }
      Matcher remaining = REMAINING.matcher(viaSecond.ok("lease", "timetolive", lease));
      assertThat(remaining.find()).isTrue();
      assertThat(Long.parseLong(remaining.group(1))).isBetween(1L, 5L);
      assertThat(viaSecond.ok("get", "session/owner", "--print-value-only").trim()).isEqualTo("me");

      // No more keep-alives: the leader expires the lease and deletes the key everywhere.
      await().atMost(Duration.ofSeconds(20)).until(() ->
          viaSecond.ok("get", "session/owner", "--print-value-only").isBlank());
      assertThat(viaFirst.ok("lease", "timetolive", lease)).contains("already expired");
    }
  }
}
