package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Linearizable reads without log writes: ReadIndex, Raft thesis §6.4. */
class ReadIndexTest {
  private static byte[] ctx(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ScriptedCluster cluster() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);
    c.stabilize();
    c.propose(1, "x");
    c.stabilize();
    return c;
  }

  @Test
  void leaderAnswersOnlyAfterAQuorumAcknowledgesAHeartbeat_thesis6_4() {
    ScriptedCluster c = cluster();
    c.isolate(2);
    c.isolate(3);
    c.node(1).readIndex(ctx("r1"));
    c.stabilize();
    assertThat(c.reads.get(1L)).isEmpty();

    c.heal();
    c.tick(1, 1); // the next heartbeat carries the newest pending context
    c.stabilize();
    assertThat(c.reads.get(1L)).singleElement().satisfies(rs -> {
      assertThat(rs.index()).isEqualTo(3);
      assertThat(rs.context()).isEqualTo(ctx("r1"));
    });
  }

  @Test
  void oneAcknowledgementConfirmsEveryEarlierPendingRead() {
    ScriptedCluster c = cluster();
    c.isolate(2);
    c.isolate(3);
    c.node(1).readIndex(ctx("a"));
    c.node(1).readIndex(ctx("b"));
    c.stabilize();
    c.heal();
    c.tick(1, 1);
    c.stabilize();
    assertThat(c.reads.get(1L)).extracting(rs -> new String(rs.context(), StandardCharsets.UTF_8))
        .containsExactly("a", "b");
  }

  @Test
  void readOnAFollowerIsForwardedAndAnsweredWithTheLeadersCommitIndex() {
    ScriptedCluster c = cluster();
    c.node(3).readIndex(ctx("f"));
    c.stabilize();
    assertThat(c.reads.get(3L)).singleElement().satisfies(rs -> assertThat(rs.index()).isEqualTo(3));
    assertThat(c.reads.get(1L)).isEmpty();
  }

  @Test
  void newLeaderHoldsReadsUntilItCommitsAnEntryOfItsTerm() {
    ScriptedCluster c = cluster();
    // Deliver only the election: the new leader's first entry is not yet committed.
    Raft r = c.raft(2);
    c.dropWhen(m -> m.type() == MessageType.APP || m.type() == MessageType.APP_RESP);
    c.node(1).transferLeadership(2);
    c.stabilize();
    assertThat(r.role).isEqualTo(Role.LEADER);
    c.node(2).readIndex(ctx("early"));
    assertThat(r.pendingReadIndex).hasSize(1);
    assertThat(r.readOnly.size()).isZero();

    c.heal();
    Replication.bcastAppend(r);
    c.stabilize();
    c.tick(2, 1);
    c.stabilize();
    assertThat(c.reads.get(2L)).singleElement()
        .satisfies(rs -> assertThat(rs.index()).isEqualTo(r.log.committed).isEqualTo(4));
  }

  @Test
  void deposedLeaderNeverAnswers() {
    ScriptedCluster c = new ScriptedCluster(3, cfg -> cfg.withCheckQuorum(false));
    c.electionTimeout(1);
    c.stabilize();
    c.isolate(1);
    c.electionTimeout(2);
    c.stabilize();
    c.propose(2, "newer");
    c.stabilize();
    c.node(1).readIndex(ctx("stale?"));
    c.stabilize();
    c.heal();
    c.tick(1, 1);
    c.stabilize();
    assertThat(c.reads.get(1L)).isEmpty();
    assertThat(c.raft(1).role).isEqualTo(Role.FOLLOWER);
  }

  @Test
  void readWithoutAKnownLeaderFailsFast() {
    ScriptedCluster c = new ScriptedCluster(3);
    assertThatThrownBy(() -> c.node(1).readIndex(ctx("x")))
        .isInstanceOfSatisfying(ProposalDroppedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProposalDroppedException.Reason.NO_LEADER));
  }

  @Test
  void singleVoterAnswersImmediately() {
    ScriptedCluster c = new ScriptedCluster(1);
    c.electionTimeout(1);
    c.stabilize();
    c.node(1).readIndex(ctx("solo"));
    c.stabilize();
    assertThat(c.reads.get(1L)).singleElement().satisfies(rs -> assertThat(rs.index()).isEqualTo(2));
  }
}
