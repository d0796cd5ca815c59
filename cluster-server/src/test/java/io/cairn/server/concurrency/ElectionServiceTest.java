package io.cairn.server.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ProclaimResponse;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.ResignResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElectionServiceTest {
  @TempDir Path dir;
  private Member m;

  @BeforeEach
  void start() throws Exception {
    m = new Member(dir);
  }

  @AfterEach
  void stop() {
    m.close();
  }

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private Recorder<CampaignResponse> campaign(String name, long lease, String value) {
    Recorder<CampaignResponse> r = new Recorder<>();
    m.election.campaign(
        CampaignRequest.newBuilder().setName(b(name)).setLease(lease).setValue(b(value)).build(),
        r);
    return r;
  }

  private Recorder<ProclaimResponse> proclaim(LeaderKey l, String value) {
    Recorder<ProclaimResponse> r = new Recorder<>();
    m.election.proclaim(ProclaimRequest.newBuilder().setLeader(l).setValue(b(value)).build(), r);
    return r;
  }

  private ResignResponse resign(LeaderKey l) {
    Recorder<ResignResponse> r = new Recorder<>();
    m.election.resign(ResignRequest.newBuilder().setLeader(l).build(), r);
    return r.answer();
  }

  private Recorder<LeaderResponse> leader(String name) {
    Recorder<LeaderResponse> r = new Recorder<>();
    m.election.leader(LeaderRequest.newBuilder().setName(b(name)).build(), r);
    return r;
  }

  private Recorder<LeaderResponse> observe(String name) {
    Recorder<LeaderResponse> r = new Recorder<>();
    m.election.observe(LeaderRequest.newBuilder().setName(b(name)).build(), r);
    return r;
  }

  @Test
  void firstCandidateLeads() {
    long lease = m.grant(60);
    CampaignResponse c = campaign("e", lease, "v1").answer();
    LeaderKey l = c.getLeader();
    assertThat(l.getName().toStringUtf8()).isEqualTo("e");
    assertThat(l.getKey().toStringUtf8()).isEqualTo("e/" + Long.toHexString(lease));
    assertThat(l.getLease()).isEqualTo(lease);
    assertThat(l.getRev()).isEqualTo(c.getHeader().getRevision());
    LeaderResponse now = leader("e").answer();
    assertThat(now.getKv().getKey()).isEqualTo(l.getKey());
    assertThat(now.getKv().getValue().toStringUtf8()).isEqualTo("v1");
    assertThat(now.getKv().getCreateRevision()).isEqualTo(l.getRev());
  }

  @Test
  void noLeader() {
    StatusRuntimeException e = leader("nobody").error();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(e.getStatus().getDescription()).isEqualTo("election: no leader");
  }

  @Test
  void nextCandidateLeadsAfterResign() throws Exception {
    long a = m.grant(60);
    long bl = m.grant(60);
    LeaderKey first = campaign("e", a, "a").answer().getLeader();
    Recorder<CampaignResponse> second = campaign("e", bl, "b");
    second.stillWaiting(150);
    assertThat(leader("e").answer().getKv().getValue().toStringUtf8()).isEqualTo("a");
    resign(first);
    LeaderKey l = second.answer().getLeader();
    assertThat(l.getLease()).isEqualTo(bl);
    assertThat(leader("e").answer().getKv().getValue().toStringUtf8()).isEqualTo("b");
  }

  @Test
  void nextCandidateLeadsWhenTheLeadersLeaseIsRevoked() throws Exception {
    long a = m.grant(60);
    long bl = m.grant(60);
    campaign("e", a, "a").answer();
    Recorder<CampaignResponse> second = campaign("e", bl, "b");
    second.stillWaiting(100);
    m.revoke(a);
    assertThat(second.answer().getLeader().getLease()).isEqualTo(bl);
  }

  @Test
  void candidateWhoseLeaseGoesFails() throws Exception {
    long a = m.grant(60);
    long bl = m.grant(60);
    LeaderKey first = campaign("e", a, "a").answer().getLeader();
    Recorder<CampaignResponse> second = campaign("e", bl, "b");
    second.stillWaiting(100);
    m.revoke(bl);
    assertThat(second.error().getStatus().getDescription())
        .isEqualTo("etcdserver: requested lease not found");
    assertThat(m.get(first.getKey())).isNotNull();
  }

  @Test
  void proclaimChangesTheValueOnlyForTheLeader() {
    long a = m.grant(60);
    LeaderKey l = campaign("e", a, "v1").answer().getLeader();
    ProclaimResponse p = proclaim(l, "v2").answer();
    assertThat(p.getHeader().getRevision()).isGreaterThan(l.getRev());
    assertThat(leader("e").answer().getKv().getValue().toStringUtf8()).isEqualTo("v2");
    LeaderKey stale = l.toBuilder().setRev(l.getRev() + 100).build();
    StatusRuntimeException e = proclaim(stale, "v3").error();
    assertThat(e.getStatus().getDescription()).isEqualTo("election: not leader");
    Recorder<ProclaimResponse> missing = new Recorder<>();
    m.election.proclaim(ProclaimRequest.getDefaultInstance(), missing);
    assertThat(missing.error().getStatus().getDescription())
        .isEqualTo("\"leader\" field must be provided");
  }

  @Test
  void campaigningAgainUnderTheSameLeaseUpdatesTheValue() {
    long a = m.grant(60);
    LeaderKey first = campaign("e", a, "v1").answer().getLeader();
    LeaderKey again = campaign("e", a, "v2").answer().getLeader();
    assertThat(again).isEqualTo(first);
    assertThat(leader("e").answer().getKv().getValue().toStringUtf8()).isEqualTo("v2");
  }

  @Test
  void resignOfAStaleLeaderKeyDeletesNothing() {
    long a = m.grant(60);
    LeaderKey l = campaign("e", a, "v").answer().getLeader();
    resign(l.toBuilder().setRev(l.getRev() + 1).build());
    assertThat(m.get(l.getKey())).isNotNull();
    resign(l);
    assertThat(m.get(l.getKey())).isNull();
  }

  @Test
  void cancelledCampaignWithdraws() throws Exception {
    long a = m.grant(60);
    long bl = m.grant(60);
    campaign("e", a, "a").answer();
    Recorder<CampaignResponse> second = campaign("e", bl, "b");
    second.stillWaiting(100);
    ByteString key = b("e/" + Long.toHexString(bl));
    assertThat(m.awaitKey(key, true)).isTrue();
    second.cancel();
    assertThat(m.awaitKey(key, false)).isTrue();
  }

  @Test
  void observeFollowsTheLeaderAndItsValues() throws Exception {
    Recorder<LeaderResponse> o = observe("e");
    o.stillWaiting(50);
    assertThat(o.values).isEmpty();
    long a = m.grant(60);
    long bl = m.grant(60);
    LeaderKey first = campaign("e", a, "a1").answer().getLeader();
    LeaderResponse r1 = o.next();
    assertThat(r1.getKv().getValue().toStringUtf8()).isEqualTo("a1");
    assertThat(r1.getHeader().getRevision()).isEqualTo(first.getRev());
    Recorder<CampaignResponse> second = campaign("e", bl, "b1");
    proclaim(first, "a2").answer();
    proclaim(first, "a3").answer();
    assertThat(o.next().getKv().getValue().toStringUtf8()).isEqualTo("a2");
    assertThat(o.next().getKv().getValue().toStringUtf8()).isEqualTo("a3");
    resign(first);
    second.answer();
    LeaderResponse r4 = o.next();
    assertThat(r4.getKv().getValue().toStringUtf8()).isEqualTo("b1");
    assertThat(r4.getKv().getLease()).isEqualTo(bl);
    // A put elsewhere under the prefix is no news.
    m.put("e/zzz", "x");
    m.put("unrelated", "x");
    Thread.sleep(100);
    assertThat(o.values).isEmpty();
    o.cancel();
    for (int i = 0; i < 100 && m.poller.size() > 0; i++) {
      m.put("tick", "x");
      Thread.sleep(20);
    }
    assertThat(m.poller.size()).isZero();
  }

  @Test
  void observeStartsWithTheCurrentLeader() throws Exception {
    long a = m.grant(60);
    LeaderKey l = campaign("e", a, "now").answer().getLeader();
    Recorder<LeaderResponse> o = observe("e");
    LeaderResponse r = o.next();
    assertThat(r.getKv().getKey()).isEqualTo(l.getKey());
    assertThat(r.getKv().getValue().toStringUtf8()).isEqualTo("now");
    o.cancel();
  }
}
