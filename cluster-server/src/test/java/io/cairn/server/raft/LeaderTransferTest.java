package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Leadership transfer, Raft thesis §3.10. */
class LeaderTransferTest {

  private static ScriptedCluster cluster() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);
    c.stabilize();
    return c;
  }

  @Test
  void upToDateTargetReceivesTimeoutNowAndWinsAtOnce_thesis3_10() {
    ScriptedCluster c = cluster();
    c.node(1).transferLeadership(2);
    List<String> t = c.stabilize();

    assertThat(t).first().isEqualTo("1->2 TIMEOUT_NOW t2");
    // The target skips pre-vote, and its votes override the voters' leader lease.
    assertThat(t).contains("2->1 VOTE t3 logTerm=2 index=2 ctx=8b");
    assertThat(c.leader()).isEqualTo(2);
    assertThat(c.raft(1).term).isEqualTo(3);
  }

  @Test
  void laggingTargetIsCaughtUpBeforeTimeoutNow() {
    ScriptedCluster c = cluster();
    c.isolate(3);
    c.propose(1, "a");
    c.propose(1, "b");
    c.stabilize();
    c.heal();

    c.node(1).transferLeadership(3);
    List<String> t = c.stabilize();

    int append = indexOf(t, "1->3 APP");
    int timeoutNow = indexOf(t, "1->3 TIMEOUT_NOW");
    assertThat(append).isNotNegative().isLessThan(timeoutNow);
    assertThat(c.leader()).isEqualTo(3);
    assertThat(c.appliedData.get(3L)).containsExactly("a", "b");
  }

  @Test
  void proposalsAreRefusedWhileTransferring() {
    ScriptedCluster c = cluster();
    c.isolate(3);
    c.node(1).transferLeadership(3);
    c.stabilize();
    assertThatThrownBy(() -> c.propose(1, "x"))
        .isInstanceOfSatisfying(ProposalDroppedException.class,
            e -> assertThat(e.reason())
                .isEqualTo(ProposalDroppedException.Reason.LEADER_TRANSFER_IN_PROGRESS));
  }

  @Test
  void transferThatDoesNotCompleteWithinAnElectionTimeoutIsAbandoned() {
    ScriptedCluster c = cluster();
    c.isolate(3);
    c.node(1).transferLeadership(3);
    for (int i = 0; i < 10; i++) {
      c.tickAll(1);
      c.stabilize();
    }
    assertThat(c.raft(1).leadTransferee).isZero();
    assertThat(c.leader()).isEqualTo(1);
    c.propose(1, "accepted again");
  }

  @Test
  void transferRequestedOnAFollowerIsForwardedToTheLeader() {
    ScriptedCluster c = cluster();
    c.node(2).transferLeadership(2);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(2);
  }

  @Test
  void transferToALearnerIsIgnored() {
    ScriptedCluster c = cluster();
    c.node(1).proposeConfChange(ConfChange.addLearner(4));
    c.add(4, new MemoryStorage());
    c.stabilize();
    c.node(1).transferLeadership(4);
    assertThat(c.raft(1).leadTransferee).isZero();
  }

  private static int indexOf(List<String> t, String prefix) {
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
