package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Single-server membership changes and learners, Raft thesis §4.1 and §4.2.1. */
class MembershipTest {

  private static void run(ScriptedCluster c, int ticks) {
    for (int i = 0; i < ticks; i++) {
      c.tickAll(1);
      c.stabilize();
    }
  }

  private static ScriptedCluster cluster(int size) {
    ScriptedCluster c = new ScriptedCluster(size);
    c.electionTimeout(1);
    c.stabilize();
    return c;
  }

  @Test
  void learnerReceivesTheLogButDoesNotCountTowardsCommit_thesis4_2_1() {
    ScriptedCluster c = cluster(2);
    c.add(3, new MemoryStorage());
    c.node(1).proposeConfChange(ConfChange.addLearner(3));
    c.stabilize();
    assertThat(c.appliedConf.get(3L).learners()).containsExactly(3L);

    c.isolate(2);
    c.propose(1, "needs-node-2");
    c.stabilize();
    assertThat(c.raft(3).log.lastIndex()).isEqualTo(c.raft(1).log.lastIndex());
    assertThat(c.raft(1).log.committed).isLessThan(c.raft(1).log.lastIndex());

    c.heal();
    c.tickAll(1);
    c.stabilize();
    assertThat(c.appliedData.get(3L)).containsExactly("needs-node-2");
  }

  @Test
  void promotedLearnerVotesAndCounts() {
    ScriptedCluster c = cluster(2);
    c.add(3, new MemoryStorage());
    c.node(1).proposeConfChange(ConfChange.addLearner(3));
    c.stabilize();
    c.node(1).proposeConfChange(ConfChange.promote(3));
    c.stabilize();
    for (long id = 1; id <= 3; id++) {
      assertThat(c.appliedConf.get(id).voters()).containsExactly(1L, 2L, 3L);
    }
    c.isolate(2);
    c.propose(1, "with-1-and-3");
    c.stabilize();
    assertThat(c.appliedData.get(3L)).containsExactly("with-1-and-3");
  }

  @Test
  void secondConfChangeWhileOneIsUnappliedIsRefused_thesis4_1() {
    ScriptedCluster c = cluster(3);
    c.node(1).proposeConfChange(ConfChange.addLearner(4));
    assertThatThrownBy(() -> c.node(1).proposeConfChange(ConfChange.addLearner(5)))
        .isInstanceOfSatisfying(ProposalDroppedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProposalDroppedException.Reason.CONF_CHANGE_PENDING));
    c.add(4, new MemoryStorage());
    c.stabilize();
    c.node(1).proposeConfChange(ConfChange.addLearner(5)); // accepted once the first is applied
  }

  @Test
  void newLeaderRefusesConfChangesUntilItHasAppliedItsWholeLog() {
    ConfState three = ConfState.ofVoters(1L, 2L, 3L);
    ScriptedCluster c = new ScriptedCluster(0);
    // Node 1 holds entries 2 and 3 from term 1 that nobody knows to be committed; they could be
    // conf changes, so it must not start another before applying them.
    c.add(1, ScriptedCluster.storageWithTerms(three, 1, 1, 1));
    c.add(2, ScriptedCluster.storageWithTerms(three, 1, 1, 1));
    c.add(3, ScriptedCluster.storageWithTerms(three, 1));
    c.dropWhen(m -> m.type() == MessageType.APP);
    c.electionTimeout(1);
    c.stabilize();
    assertThat(c.raft(1).role).isEqualTo(Role.LEADER);
    assertThat(c.raft(1).pendingConfIndex).isEqualTo(3);
    assertThatThrownBy(() -> c.node(1).proposeConfChange(ConfChange.addLearner(4)))
        .isInstanceOfSatisfying(ProposalDroppedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProposalDroppedException.Reason.CONF_CHANGE_PENDING));

    c.heal();
    c.tick(1, 1); // heartbeat round unblocks the paused probes
    c.stabilize();
    c.node(1).proposeConfChange(ConfChange.addLearner(4));
  }

  @Test
  void nodeDoesNotCampaignWhileACommittedConfChangeIsUnapplied() {
    ScriptedCluster c = cluster(3);
    c.add(4, new MemoryStorage());
    c.node(1).proposeConfChange(ConfChange.addLearner(4));
    c.stabilize();
    Raft r = c.raft(2);
    long ccIndex = r.log.committed;
    // As if node 2's driver had not applied the change yet: its membership is about to change,
    // and a vote counted under the old one could elect a second leader.
    r.log.applied = ccIndex - 1;
    r.hup(false);
    assertThat(r.role).isEqualTo(Role.FOLLOWER);
    assertThat(r.msgs).isEmpty();

    r.log.applied = ccIndex;
    r.hup(false);
    assertThat(r.role).isEqualTo(Role.PRE_CANDIDATE);
  }

  @Test
  void removedLeaderStepsDownOnceTheRemovalIsCommittedAndTheRestElectASuccessor() {
    ScriptedCluster c = cluster(3);
    c.node(1).proposeConfChange(ConfChange.remove(1));
    c.stabilize();
    assertThat(c.raft(1).role).isEqualTo(Role.FOLLOWER);
    assertThat(c.raft(1).promotable()).isFalse();

    // (Scripted timeouts are identical; stagger them to avoid a split vote.)
    c.tick(3, 5);
    run(c, 25);
    long leader = c.leader();
    assertThat(leader).isIn(2L, 3L);
    c.propose(leader, "without-1");
    c.stabilize();
    assertThat(c.appliedData.get(2L)).containsExactly("without-1");
    assertThat(c.appliedData.get(1L)).isEmpty();
  }

  @Test
  void removedNodeThatMissedItsRemovalCannotDisruptTheCluster() {
    ScriptedCluster c = cluster(3);
    c.isolate(3);
    c.node(1).proposeConfChange(ConfChange.remove(3));
    c.stabilize();
    assertThat(c.appliedConf.get(1L).voters()).containsExactly(1L, 2L);
    c.heal();
    run(c, 60); // node 3 still believes it is a voter and keeps timing out
    assertThat(c.leader()).isEqualTo(1);
    assertThat(c.raft(1).term).isEqualTo(2);
    assertThat(c.raft(2).term).isEqualTo(2);
  }

  @Test
  void addedVoterStartingEmptyInstallsTheFoundingSnapshotAndCatchesUp() {
    ScriptedCluster c = cluster(3);
    c.propose(1, "before");
    c.stabilize();
    c.add(4, new MemoryStorage());
    c.node(1).proposeConfChange(ConfChange.addVoter(4));
    c.stabilize();
    c.tickAll(1);
    c.stabilize();
    assertThat(c.storages.get(4L).snapshot().index()).isEqualTo(1);
    assertThat(c.appliedData.get(4L)).containsExactly("before");
    assertThat(c.appliedConf.get(4L).voters()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(c.raft(1).prs.committedIndex()).isEqualTo(c.raft(1).log.lastIndex());
  }

  @Test
  void confChangeAppliesToMembershipAsExpected() {
    ConfState cs = ConfState.ofVoters(1L, 2L);
    assertThat(ConfChange.addLearner(3).applyTo(cs).learners()).containsExactly(3L);
    assertThat(ConfChange.promote(2).applyTo(cs)).isEqualTo(cs); // not a learner: no-op
    ConfState withLearner = ConfChange.addLearner(3).applyTo(cs);
    assertThat(ConfChange.promote(3).applyTo(withLearner).voters()).containsExactly(1L, 2L, 3L);
    assertThat(ConfChange.remove(3).applyTo(withLearner)).isEqualTo(cs);
    assertThat(ConfChange.decode(ConfChange.addVoter(7).encode())).isEqualTo(ConfChange.addVoter(7));
  }
}
