package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.Json;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A cluster of three real members formed from etcd's flags, driven with the real etcdctl:
 * membership listing, status across the cluster, writes through any member, leader transfer,
 * learners that join, catch up and are promoted, and removal.
 */
class ClusterMembershipIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void threeMembersFormOneClusterAndServeThroughAnyMember(TestInfo info) {
    try (ClusterProcesses c = ClusterProcesses.start(info, 3)) {
      List<?> members = (List<?>) ((Map<?, ?>) Json.parse(c.ctl().ok("member", "list", "-w", "json")))
          .get("members");
      assertThat(members).hasSize(3);
      Set<String> names = new HashSet<>();
      for (Object o : members) {
        Map<?, ?> m = (Map<?, ?>) o;
        names.add((String) m.get("name"));
        assertThat((List<?>) m.get("clientURLs")).hasSize(1);
      }
      assertThat(names).containsExactlyInAnyOrder("m1", "m2", "m3");

      for (int i = 0; i < 3; i++) {
        Etcdctl.of(c.member(i)).ok("put", "k" + i, "v" + i);
      }
      for (int i = 0; i < 3; i++) {
        // Linearizable reads on every member see every acknowledged write.
        assertThat(Etcdctl.of(c.member(i)).ok("get", "k", "--prefix", "--print-value-only"))
            .isEqualTo("v0\nv1\nv2\n");
      }
      List<Map<?, ?>> statuses = statuses(c);
      assertThat(statuses).hasSize(3);
      Set<Long> leaders = new HashSet<>();
      Set<Long> terms = new HashSet<>();
      for (Map<?, ?> s : statuses) {
        Map<?, ?> st = (Map<?, ?>) s.get("Status");
        leaders.add(((Json.Num) st.get("leader")).longValue());
        terms.add(((Json.Num) ((Map<?, ?>) st.get("header")).get("raft_term")).longValue());
      }
      assertThat(leaders).as("one leader for all").hasSize(1);
      assertThat(terms).hasSize(1);
      assertSameHash(c);

      // member update replaces a member's peer URLs (here: its own plus one more).
      MemberProcess third = c.member(2);
      String id = ClusterProcesses.memberId(third);
      String extra = "http://127.0.0.1:" + io.cairn.server.testing.FreePorts.next();
      assertThat(c.ctl().ok("member", "update", id, "--peer-urls=" + third.peerUrl() + "," + extra))
          .startsWith("Member " + padded(id) + " updated in cluster ");
      await().atMost(WAIT).untilAsserted(() -> assertThat(Etcdctl.of(c.member(0))
          .ok("member", "list")).contains(id + ", started, m3, " + third.peerUrl() + "," + extra));
      assertThat(c.ctl().fails("member", "update", "1234", "--peer-urls=http://127.0.0.1:9"))
          .contains("etcdserver: member not found");
      Etcdctl.of(third).ok("put", "after", "update");
    }
  }

  @Test
  void moveLeaderHandsLeadershipToTheNamedMember(TestInfo info) {
    try (ClusterProcesses c = ClusterProcesses.start(info, 3)) {
      MemberProcess leader = c.leader().orElseThrow();
      MemberProcess other = c.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
      String target = ClusterProcesses.memberId(other);
      // etcdctl itself insists on being given the leader's endpoint.
      String refused = Etcdctl.of(other).fails("move-leader", target);
      assertThat(refused).contains("no leader endpoint given at [" + other.endpoint() + "]");
      String out = Etcdctl.of(leader).ok("move-leader", target);
      assertThat(out).isEqualTo("Leadership transferred from " + ClusterProcesses.memberId(leader)
          + " to " + target + "\n");
      await().atMost(WAIT).until(() -> c.leader().orElse(null) == other);
      Etcdctl.of(leader).ok("put", "after", "transfer");
    }
  }

  @Test
  void aLearnerJoinsCatchesUpIsPromotedAndMembersCanBeRemoved(TestInfo info) {
    try (ClusterProcesses c = ClusterProcesses.start(info, 3)) {
      for (int i = 0; i < 50; i++) {
        c.ctl().ok("put", "before/" + i, "v" + i);
      }
      MemberProcess learner = c.addMember(true);
      learner.awaitReady(WAIT);
      String id = ClusterProcesses.memberId(learner);
      String list = c.ctl().ok("member", "list");
      assertThat(list).contains(id + ", started, m4, " + learner.peerUrl() + ", "
          + learner.clientUrl() + ", true");
      // A learner serves serializable reads of the replicated data, and nothing else.
      await().atMost(WAIT).untilAsserted(() -> assertThat(Etcdctl.of(learner)
          .ok("get", "before/49", "--consistency=s", "--print-value-only")).isEqualTo("v49\n"));
      assertThat(Etcdctl.of(learner).fails("get", "before/49"))
          .contains("etcdserver: rpc not supported for learner");
      // Only one learner at a time, as etcd (which may first answer "request timed out").
      await().atMost(WAIT).untilAsserted(() -> assertThat(c.ctl().fails("member", "add", "m9",
          "--learner", "--peer-urls=http://127.0.0.1:1"))
          .contains("etcdserver: too many learner members in cluster"));

      await().atMost(WAIT).untilAsserted(() -> {
        ProcessResult r = c.ctl().run("member", "promote", id);
        assertThat(r.stdout()).as(r.toString())
            .contains("Member " + padded(id) + " promoted in cluster");
      });
      assertThat(c.ctl().ok("member", "list")).contains(id + ", started, m4, ")
          .doesNotContain(", true");
      Etcdctl.of(learner).ok("put", "from", "promoted");

      String removedId = ClusterProcesses.memberId(c.member(0));
      assertThat(Etcdctl.of(c.member(1)).ok("member", "remove", removedId))
          .startsWith("Member " + padded(removedId) + " removed from cluster ");
      assertThat(c.ctl().ok("member", "list")).doesNotContain(removedId);
      assertThat(Etcdctl.of(c.member(1)).fails("member", "remove", removedId))
          .contains("etcdserver: member not found");
      await().atMost(WAIT).untilAsserted(() -> assertThat(Etcdctl.of(c.member(1)).fails("member",
          "add", "again", "--peer-urls=" + c.member(1).peerUrl()))
          .contains("etcdserver: Peer URLs already exists"));
      Etcdctl.of(learner).ok("put", "after", "removal");
      assertThat(Etcdctl.of(c.member(2)).ok("get", "after", "--print-value-only"))
          .isEqualTo("removal\n");
    }
  }

  @Test
  void aFailedMemberIsReplacedAndTheNewOneCatchesUpBySnapshot(TestInfo info) {
    // A small snapshot count makes the leader compact its log early, so the new member cannot
    // be brought up to date from the log: it needs the state as a whole.
    try (ClusterProcesses c = ClusterProcesses.start(info, 3, "--snapshot-count=50")) {
      for (int i = 0; i < 300; i++) {
        c.ctl().ok("put", "k/" + i, "v" + i);
      }
      c.ctl().ok("lease", "grant", "600");
      MemberProcess failed = c.member(2);
      String failedId = ClusterProcesses.memberId(failed);
      failed.kill9();
      // If the failed member led, the others first elect a new leader: retry until removed.
      await().atMost(WAIT).untilAsserted(() -> {
        c.ctl().withCommandTimeout(Duration.ofSeconds(5)).run("member", "remove", failedId);
        assertThat(c.ctl().ok("member", "list")).doesNotContain(failedId);
      });
      MemberProcess replacement = c.addMember(false);
      replacement.awaitReady(WAIT);
      if (replacement.kind() == io.cairn.server.testing.ServerKind.CAIRN) {
        replacement.awaitLog("installed a snapshot from the leader", WAIT);
      }
      assertThat(Etcdctl.of(replacement).ok("get", "k/299", "--print-value-only"))
          .isEqualTo("v299\n");
      assertThat(Etcdctl.of(replacement).ok("get", "k/", "--prefix", "--keys-only")
          .lines().filter(l -> !l.isEmpty()).count()).isEqualTo(300);
      assertThat(Etcdctl.of(replacement).ok("lease", "list")).startsWith("found 1 leases");
      // The cluster of m1, m2 and the replacement keeps working and agrees.
      Etcdctl.of(replacement).ok("put", "after", "replacement");
      assertSameHash(c);
    }
  }

  @Test
  void peersTalkTlsAndAMemberJoinsOverIt(TestInfo info) {
    // Self-signed peer certificates (--peer-auto-tls): replication, peer calls and the joining
    // member's first request for the member list all go over TLS.
    try (ClusterProcesses c = ClusterProcesses.startWithPeerScheme(info,
        io.cairn.server.testing.ServerKind.underTest(), 3, "https", "--peer-auto-tls")) {
      c.ctl().ok("put", "over", "tls");
      MemberProcess joiner = c.addMember(false);
      joiner.awaitReady(WAIT);
      assertThat(Etcdctl.of(joiner).ok("get", "over", "--print-value-only")).isEqualTo("tls\n");
      assertThat(c.ctl().ok("member", "list")).contains(joiner.peerUrl());
      assertSameHash(c);
    }
  }

  /** etcdctl prints IDs in these messages with Go's %16x: space-padded to 16 characters. */
  private static String padded(String hexId) {
    return String.format("%16s", hexId);
  }

  private static List<Map<?, ?>> statuses(ClusterProcesses c) {
    ProcessResult r = Etcdctl.of(c.member(0)).run("endpoint", "status", "--cluster", "-w", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object o : (List<?>) Json.parse(r.stdout())) {
      out.add((Map<?, ?>) o);
    }
    return out;
  }

  static void assertSameHash(ClusterProcesses c) {
    await().atMost(WAIT).untilAsserted(() -> {
      ProcessResult r = c.ctl().run("endpoint", "hashkv", "-w", "json");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      Set<Long> hashes = new HashSet<>();
      for (Object o : (List<?>) Json.parse(r.stdout())) {
        hashes.add(((Json.Num) ((Map<?, ?>) ((Map<?, ?>) o).get("HashKV")).get("hash")).longValue());
      }
      assertThat(hashes).as(r.stdout()).hasSize(1);
    });
  }
}
