package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Disruption avoidance: pre-vote (Raft thesis §9.6), check-quorum and the leader lease (thesis
 * §6.2, §4.2.3).
 */
class PreVoteAndCheckQuorumTest {

  /** Ticks everyone in lockstep, letting messages settle after each tick. */
  private static void run(ScriptedCluster c, int ticks) {
    for (int i = 0; i < ticks; i++) {
      c.tickAll(1);
      c.stabilize();
    }
  }

  private static ScriptedCluster withLeader1(ScriptedCluster c) {
    c.electionTimeout(1);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(1);
    return c;
  }

  @Test
  void partitionedNodeRejoiningDoesNotRaiseTermsOrDeposeTheLeader_thesis9_6() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3));
    c.isolate(3);
    run(c, 60); // six election timeouts alone: node 3 keeps pre-campaigning
    c.propose(1, "while-3-was-away");
    c.stabilize();
    assertThat(c.raft(3).term).as("a failed pre-vote leaves the term alone").isEqualTo(2);

    c.heal();
    run(c, 30);

    assertThat(c.leader()).isEqualTo(1);
    for (long id = 1; id <= 3; id++) {
      assertThat(c.raft(id).term).isEqualTo(2);
    }
    assertThat(c.appliedData.get(3L)).containsExactly("while-3-was-away");
  }

  @Test
  void rejoiningNodesPreVoteIsIgnoredUnderTheLeaseAndTheNextHeartbeatReclaimsIt() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3));
    c.isolate(3);
    c.electionTimeout(3);
    assertThat(c.stabilize())
        .containsExactly(
            "3->1 PRE_VOTE t3 logTerm=2 index=2 (dropped)",
            "3->2 PRE_VOTE t3 logTerm=2 index=2 (dropped)");
    c.heal();
    c.electionTimeout(3);
    // Delivered, but both voters heard from leader 1 within the election timeout: no answer.
    assertThat(c.stabilize())
        .containsExactly(
            "3->1 PRE_VOTE t3 logTerm=2 index=2",
            "3->2 PRE_VOTE t3 logTerm=2 index=2");
    c.tick(1, 1);
    assertThat(c.stabilize())
        .containsExactly(
            "1->2 HEARTBEAT t2 commit=2",
            "1->3 HEARTBEAT t2 commit=2",
            "2->1 HEARTBEAT_RESP t2",
            "3->1 HEARTBEAT_RESP t2");
    assertThat(c.raft(3).role).isEqualTo(Role.FOLLOWER);
    assertThat(c.raft(3).leader).isEqualTo(1);
    assertThat(c.raft(3).term).isEqualTo(2);
  }

  @Test
  void withoutPreVoteARejoiningNodeInflatesTermsAndDeposesTheLeader() {
    ScriptedCluster c =
        withLeader1(new ScriptedCluster(3, cfg -> cfg.withPreVote(false).withCheckQuorum(false)));
    c.isolate(3);
    run(c, 60);
    assertThat(c.raft(3).term).isGreaterThan(5);

    c.heal();
    run(c, 30);
    // The cluster recovers, but only after the old leader was deposed by the higher term.
    assertThat(c.raft(1).term).isGreaterThan(5);
  }

  @Test
  void leaderThatHearsFromNoQuorumStepsDownAfterAnElectionTimeout_thesis6_2() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3));
    c.isolate(1);
    run(c, 9);
    assertThat(c.raft(1).role).isEqualTo(Role.LEADER);
    // The first check may still see activity from before the partition; the second cannot.
    run(c, 11);
    assertThat(c.raft(1).role).isEqualTo(Role.FOLLOWER);
    assertThat(c.raft(1).term).as("stepping down does not change the term").isEqualTo(2);
  }

  @Test
  void leaderWithQuorumStaysThroughManyChecks() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3));
    c.isolate(3);
    run(c, 100);
    assertThat(c.leader()).isEqualTo(1);
    assertThat(c.raft(1).term).isEqualTo(2);
  }

  @Test
  void followerThatHeardFromTheLeaderIgnoresVoteRequests_leaderLease() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3));
    Raft follower = c.raft(2);
    follower.step(
        Message.builder(MessageType.VOTE).from(3).to(2).term(5).logTerm(2).index(99).build());
    assertThat(follower.term).isEqualTo(2);
    assertThat(follower.msgs).isEmpty();
    assertThat(follower.leader).isEqualTo(1);
  }

  @Test
  void leaderTransferElectionOverridesTheLease() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3));
    Raft follower = c.raft(2);
    follower.step(
        Message.builder(MessageType.VOTE).from(3).to(2).term(3).logTerm(2).index(2)
            .context(Raft.CAMPAIGN_TRANSFER).build());
    assertThat(follower.term).isEqualTo(3);
    assertThat(follower.vote).isEqualTo(3);
  }

  @Test
  void staleLeaderLearnsTheNewTermFromAnsweredHeartbeats() {
    ScriptedCluster c = withLeader1(new ScriptedCluster(3, cfg -> cfg.withCheckQuorum(false)));
    c.isolate(1);
    c.electionTimeout(2);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(2);
    assertThat(c.raft(1).role).isEqualTo(Role.LEADER); // still believes it leads term 2

    c.heal();
    c.tick(1, 1); // heartbeat at the old term; followers answer with theirs
    c.stabilize();
    assertThat(c.raft(1).role).isEqualTo(Role.FOLLOWER);
    assertThat(c.raft(1).term).isEqualTo(3);
  }
}
