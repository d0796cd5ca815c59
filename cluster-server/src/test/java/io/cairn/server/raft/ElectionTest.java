package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Leader election, Raft §5.2, and the election restriction, §5.4.1. */
class ElectionTest {

  @Test
  void followerThatTimesOutWinsPreVoteThenVoteAndBecomesLeader_5_2() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);

    assertThat(c.stabilize())
        .containsExactly(
            "1->2 PRE_VOTE t2 logTerm=1 index=1",
            "1->3 PRE_VOTE t2 logTerm=1 index=1",
            "2->1 PRE_VOTE_RESP t2",
            "3->1 PRE_VOTE_RESP t2",
            "1->2 VOTE t2 logTerm=1 index=1",
            "1->3 VOTE t2 logTerm=1 index=1",
            "2->1 VOTE_RESP t2",
            "3->1 VOTE_RESP t2",
            "1->2 APP t2 logTerm=1 index=1 entries=[2/2[0b]] commit=1",
            "1->3 APP t2 logTerm=1 index=1 entries=[2/2[0b]] commit=1",
            "2->1 APP_RESP t2 logTerm=0 index=2",
            "3->1 APP_RESP t2 logTerm=0 index=2",
            "1->2 APP t2 logTerm=2 index=2 commit=2",
            "1->3 APP t2 logTerm=2 index=2 commit=2",
            "2->1 APP_RESP t2 logTerm=0 index=2",
            "3->1 APP_RESP t2 logTerm=0 index=2");
    assertThat(c.leader()).isEqualTo(1);
    for (long id = 1; id <= 3; id++) {
      assertThat(c.raft(id).term).isEqualTo(2);
      assertThat(c.raft(id).log.committed).as("node %d commit", id).isEqualTo(2);
      assertThat(c.raft(id).leader).isEqualTo(1);
    }
  }

  @Test
  void singleVoterElectsItselfImmediately() {
    ScriptedCluster c = new ScriptedCluster(1);
    c.electionTimeout(1);
    c.stabilize();
    assertThat(c.raft(1).role).isEqualTo(Role.LEADER);
    assertThat(c.raft(1).log.committed).isEqualTo(2);
  }

  @Test
  void nodeGrantsAtMostOneVotePerTerm_5_2() {
    ScriptedCluster c = new ScriptedCluster(3, cfg -> cfg.withPreVote(false));
    Raft r = c.raft(3);
    r.step(Message.builder(MessageType.VOTE).from(1).to(3).term(2).logTerm(1).index(1).build());
    r.step(Message.builder(MessageType.VOTE).from(2).to(3).term(2).logTerm(1).index(1).build());
    // Repeating the request of the candidate we voted for is harmless and answered the same.
    r.step(Message.builder(MessageType.VOTE).from(1).to(3).term(2).logTerm(1).index(1).build());

    assertThat(r.msgs)
        .extracting(m -> m.to() + (m.reject() ? " rejected" : " granted"))
        .containsExactly("1 granted", "2 rejected", "1 granted");
    assertThat(r.vote).isEqualTo(1);
  }

  @Test
  void candidateWithShorterLogOfSameTermLosesElection_5_4_1() {
    ConfState cs = ConfState.ofVoters(1L, 2L, 3L);
    ScriptedCluster c = new ScriptedCluster(0, cfg -> cfg.withPreVote(false));
    c.add(1, ScriptedCluster.storageWithTerms(cs, 2, 2));
    c.add(2, ScriptedCluster.storageWithTerms(cs, 2, 2, 2));
    c.add(3, ScriptedCluster.storageWithTerms(cs, 2, 2, 2));

    c.electionTimeout(1);
    c.stabilize();

    // Both voters hold index 3 of term 2; node 1's log ends at index 2: not up to date.
    assertThat(c.raft(1).role).isEqualTo(Role.FOLLOWER);
    assertThat(c.raft(1).term).isEqualTo(3);
    assertThat(c.leader()).isZero();

    c.electionTimeout(2);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(2);
    assertThat(ScriptedCluster.termsOf(c.raft(1).log)).containsExactly(2L, 2L, 4L);
  }

  @Test
  void candidateWithOlderLastTermLosesEvenWithLongerLog_5_4_1() {
    ConfState cs = ConfState.ofVoters(1L, 2L, 3L);
    ScriptedCluster c = new ScriptedCluster(0, cfg -> cfg.withPreVote(false));
    c.add(1, ScriptedCluster.storageWithTerms(cs, 3, 2, 2, 2, 2));
    c.add(2, ScriptedCluster.storageWithTerms(cs, 3, 3));
    c.add(3, ScriptedCluster.storageWithTerms(cs, 3, 3));

    c.electionTimeout(1);
    c.stabilize();
    assertThat(c.leader()).isZero();
    assertThat(c.raft(2).vote).isZero();
    assertThat(c.raft(3).vote).isZero();
  }

  @Test
  void learnerNeverCampaigns() {
    ScriptedCluster c = new ScriptedCluster(0);
    ConfState cs = new ConfState(Set.of(1L), Set.of(2L));
    c.add(1, MemoryStorage.bootstrap(cs));
    c.add(2, MemoryStorage.bootstrap(cs));
    c.tick(2, 100);
    assertThat(c.stabilize()).isEmpty();
    assertThat(c.raft(2).role).isEqualTo(Role.FOLLOWER);
    assertThat(c.raft(2).term).isEqualTo(1);
  }

  @Test
  void electionTimeoutIsRandomizedWithinOneToTwoTimeouts_5_2() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    Set<Integer> seen = new java.util.TreeSet<>();
    for (int i = 0; i < 500; i++) {
      Raft r =
          new Raft(
              new RaftConfig(1, 10, 1, false, false, 8, 1024, 0, rnd),
              MemoryStorage.bootstrap(ConfState.ofVoters(1L, 2L)));
      seen.add(r.randomizedElectionTimeout);
    }
    assertThat(seen).containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  }
}
