package io.cairn.server.server;

import io.cairn.server.apply.Command;
import io.cairn.server.cluster.MemberTable;
import io.cairn.server.cluster.Peers;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.raft.ConfChange;
import io.cairn.server.raft.Status;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberUpdateRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The Cluster service's membership changes, with etcd's checks before anything is proposed:
 * valid and unused peer URLs, at most one learner, a learner promoted only once it has caught up,
 * and, with {@code --strict-reconfig-check}, no change that would leave the cluster without a
 * quorum of started, connected voters.
 */
final class MemberAdmin {
  /** etcd allows one learner at a time. */
  private static final int MAX_LEARNERS = 1;
  /** etcd's HealthInterval: how long peers must have been connected before membership changes. */
  private static final long HEALTH_INTERVAL_NANOS = 5_000_000_000L;
  /** A learner is ready for promotion once it has 90% of the leader's log. */
  private static final double LEARNER_READY = 0.9;

  private final long self;
  private final MemberTable members;
  private final Peers peers;
  private final RaftDriver driver;
  private final BooleanSupplier strict;
  private final long timeoutMillis;

  MemberAdmin(long self, MemberTable members, Peers peers, RaftDriver driver,
      BooleanSupplier strict, long timeoutMillis) {
    this.self = self;
    this.members = members;
    this.peers = peers;
    this.driver = driver;
    this.strict = strict;
    this.timeoutMillis = timeoutMillis;
  }

  /** Result of an add: the new member and the members afterwards. */
  record Added(Member member, List<Member> members) {}

  CompletableFuture<Added> add(List<String> peerUrls, boolean learner) {
    try {
      // etcd checks the cluster's health first, the request's URLs when the change applies.
      if (strict.getAsBoolean()) {
        int voters = voterCount();
        if (!learner && startedVoters(0) < (voters + 1) / 2 + 1) {
          throw EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception();
        }
        // As etcd: only a cluster whose voters have all been connected for a while grows.
        if (connectedVotersSince(HEALTH_INTERVAL_NANOS) < voters) {
          throw EtcdError.UNHEALTHY.exception();
        }
      }
      checkUrls(peerUrls, 0);
      if (learner && members.list().stream().filter(Member::getIsLearner).count() >= MAX_LEARNERS) {
        throw EtcdError.TOO_MANY_LEARNERS.exception();
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0 || members.contains(id) || members.isRemoved(id));
    Member m = Member.newBuilder().setID(id).addAllPeerURLs(peerUrls).setIsLearner(learner).build();
    return driver.proposeConfChange(
            learner ? ConfChange.Type.ADD_LEARNER : ConfChange.Type.ADD_VOTER, m)
        .thenApply(list -> new Added(m, members(list)));
  }

  CompletableFuture<List<Member>> remove(long id) {
    Member m = members.get(id);
    if (m == null) {
      return CompletableFuture.failedFuture(
          (members.isRemoved(id) ? EtcdError.MEMBER_NOT_FOUND : EtcdError.MEMBER_NOT_FOUND)
              .exception());
    }
    if (!m.getIsLearner() && strict.getAsBoolean()) {
      int votersAfter = voterCount() - 1;
      if (votersAfter > 0 && startedVoters(id) < votersAfter / 2 + 1) {
        return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception());
      }
      // A member that is down is safe to remove; otherwise the rest must keep a quorum of
      // members connected for a while (etcd's mayRemoveMember).
      boolean down = id != self && peers.activeSince(id) == 0;
      if (!down && connectedVotersSince(HEALTH_INTERVAL_NANOS) - 1 < 1 + (voterCount() - 1) / 2) {
        return CompletableFuture.failedFuture(EtcdError.UNHEALTHY.exception());
      }
    }
    return driver.proposeConfChange(ConfChange.Type.REMOVE, m).thenApply(MemberAdmin::members);
  }

  CompletableFuture<List<Member>> update(long id, List<String> peerUrls) {
    try {
      if (!members.contains(id)) {
        throw EtcdError.MEMBER_NOT_FOUND.exception();
      }
      checkUrls(peerUrls, id);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    MemberUpdateRequest u = MemberUpdateRequest.newBuilder().setID(id).addAllPeerURLs(peerUrls)
        .build();
    return driver.propose(Command.of(Command.Kind.MEMBER_UPDATE, u))
        .thenApply(MemberAdmin::members);
  }

  /**
   * Promotes a learner. Only the leader knows how far the learner has caught up, so a follower
   * hands the request to the leader.
   */
  CompletableFuture<List<Member>> promote(long id) {
    Member m = members.get(id);
    if (m == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
    }
    if (!m.getIsLearner()) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_LEARNER.exception());
    }
    if (!driver.isLeader()) {
      long leader = driver.leader();
      if (leader == 0) {
        return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
      }
      return peers.call(leader, EtcdServer.CALL_PROMOTE,
              ByteBuffer.allocate(8).putLong(id).array(), timeoutMillis)
          .handle((b, e) -> {
            if (e != null) {
              Throwable c = e.getCause() != null ? e.getCause() : e;
              throw EtcdError.fromMessage(c.getMessage());
            }
            return members.list();
          });
    }
    Status st = driver.status();
    Status.PeerProgress learner = st.progress().get(id);
    long leaderMatch = st.lastIndex();
    if (learner == null || learner.match() < (long) (leaderMatch * LEARNER_READY)) {
      return CompletableFuture.failedFuture(EtcdError.LEARNER_NOT_READY.exception());
    }
    return driver.proposeConfChange(ConfChange.Type.PROMOTE_LEARNER, m)
        .thenApply(MemberAdmin::members);
  }

  @SuppressWarnings("unchecked")
  private static List<Member> members(Object applied) {
    return (List<Member>) applied;
  }

  private int voterCount() {
    return (int) members.list().stream().filter(m -> !m.getIsLearner()).count();
  }

  /** Voters that have published themselves and are connected (this member counts), but not {@code except}. */
  private int startedVoters(long except) {
    int n = 0;
    for (Member m : members.list()) {
      if (m.getIsLearner() || m.getID() == except || m.getName().isEmpty()) {
        continue;
      }
      if (m.getID() == self || peers.isActive(m.getID())) {
        n++;
      }
    }
    return n;
  }

  /** Voters (this member included) connected without a break for at least {@code nanos}. */
  private int connectedVotersSince(long nanos) {
    long now = System.nanoTime();
    int n = 0;
    for (Member m : members.list()) {
      if (m.getIsLearner()) {
        continue;
      }
      long since = m.getID() == self ? 1 : peers.activeSince(m.getID());
      if (m.getID() == self || (since != 0 && now - since >= nanos)) {
        n++;
      }
    }
    return n;
  }

  private void checkUrls(List<String> urls, long except) {
    if (urls.isEmpty()) {
      throw EtcdError.MEMBER_BAD_URLS.exception();
    }
    for (String u : urls) {
      try {
        URI uri = new URI(u);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
            || uri.getHost() == null || uri.getPort() <= 0) {
          throw EtcdError.MEMBER_BAD_URLS.exception();
        }
      } catch (java.net.URISyntaxException e) {
        throw EtcdError.MEMBER_BAD_URLS.exception();
      }
    }
    Set<String> used = new HashSet<>();
    for (Member m : members.list()) {
      if (m.getID() != except) {
        used.addAll(m.getPeerURLsList());
      }
    }
    for (String u : urls) {
      if (used.contains(u)) {
        throw EtcdError.PEER_URL_EXIST.exception();
      }
    }
  }
}
