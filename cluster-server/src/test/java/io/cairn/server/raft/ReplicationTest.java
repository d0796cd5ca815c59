package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Log replication, Raft §5.3, and the commitment rule of §5.4.2. */
class ReplicationTest {
  private static final ConfState TWO = ConfState.ofVoters(1L, 2L);

  /** Figure 7's leader log (term 8), indexes 2..10 (index 1 is the bootstrap snapshot). */
  private static final long[] LEADER = {1, 1, 4, 4, 5, 5, 6, 6, 6};

  static Stream<Arguments> figure7Followers() {
    return Stream.of(
        Arguments.of("a: missing one entry", new long[] {1, 1, 4, 4, 5, 5, 6, 6}),
        Arguments.of("b: missing many entries", new long[] {1, 1, 4}),
        Arguments.of("c: one extra entry of the leader's term", new long[] {1, 1, 4, 4, 5, 5, 6, 6, 6, 6}),
        Arguments.of("d: extra entries of a later term", new long[] {1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}),
        Arguments.of("e: missing and extra entries", new long[] {1, 1, 4, 4, 4, 4}),
        Arguments.of("f: diverged since index 4", new long[] {1, 1, 2, 2, 2, 3, 3, 3, 3, 3}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("figure7Followers")
  void leaderRepairsEveryFigure7FollowerLog_5_3(String name, long[] follower) {
    ScriptedCluster c = new ScriptedCluster(0);
    c.add(1, ScriptedCluster.storageWithTerms(TWO, 7, LEADER));
    c.add(2, ScriptedCluster.storageWithTerms(TWO, 7, follower));
    Raft leader = c.raft(1);
    leader.becomeCandidate();
    leader.becomeLeader(); // term 8; appends an empty entry at index 11
    Replication.bcastAppend(leader);

    List<String> transcript = c.stabilize();

    List<Long> expected = ScriptedCluster.termsOf(leader.log);
    // Figure 7 indexes 2..10 plus the new leader's empty entry at 11.
    assertThat(expected).containsExactly(1L, 1L, 4L, 4L, 5L, 5L, 6L, 6L, 6L, 8L);
    assertThat(ScriptedCluster.termsOf(c.raft(2).log)).isEqualTo(expected);
    assertThat(c.raft(2).log.committed).isEqualTo(11);
    // Term hints let the leader skip a whole term per rejection rather than one entry.
    assertThat(transcript.stream().filter(l -> l.contains("APP_RESP") && l.contains("reject")))
        .hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void entryOfAnEarlierTermIsNotCommittedByCountingReplicas_5_4_2_figure8() {
    ConfState three = ConfState.ofVoters(1L, 2L, 3L);
    ScriptedCluster c = new ScriptedCluster(0);
    c.add(1, ScriptedCluster.storageWithTerms(three, 3, 2)); // index 2 written in term 2
    c.add(2, ScriptedCluster.storageWithTerms(three, 3));
    c.add(3, ScriptedCluster.storageWithTerms(three, 3));
    Raft leader = c.raft(1);
    leader.becomeCandidate();
    leader.becomeLeader(); // term 4, empty entry at index 3
    leader.prs.progress.get(2L).becomeReplicate();

    // Node 2 now stores index 2 (term 2): a majority holds it, but it is not of term 4.
    leader.step(ack(2, 4, 2));
    assertThat(leader.prs.committedIndex()).isEqualTo(2);
    assertThat(leader.log.committed).isEqualTo(1);

    // Once the majority holds an entry of the current term, both are committed.
    leader.step(ack(2, 4, 3));
    assertThat(leader.log.committed).isEqualTo(3);
  }

  @Test
  void figure8ScenarioNeverCommitsAnOverwritableEntry_5_4_2() {
    ConfState five = ConfState.ofVoters(1L, 2L, 3L, 4L, 5L);
    ScriptedCluster c = new ScriptedCluster(0, cfg -> new RaftConfig(
        cfg.id(), 10, 1, false, false, 256, 1, 0, ScriptedCluster.ZERO));
    // Figure 8 (b) shifted by our bootstrap entry: index 3 holds S1's term-2 entry on S1 and S2,
    // and S5's term-3 entry on S5 alone.
    c.add(1, ScriptedCluster.storageWithTerms(five, 3, 1, 2));
    c.add(2, ScriptedCluster.storageWithTerms(five, 3, 1, 2));
    c.add(3, ScriptedCluster.storageWithTerms(five, 3, 1));
    c.add(4, ScriptedCluster.storageWithTerms(five, 3, 1));
    c.add(5, ScriptedCluster.storageWithTerms(five, 3, 1, 3));

    // (c) S1 leads term 4 and copies its term-2 entry to a majority, but its own term-4 entry
    // reaches nobody.
    c.dropWhen(m -> m.type() == MessageType.APP
        && m.entries().stream().anyMatch(e -> e.term() == 4));
    c.electionTimeout(1);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(1);
    // As if S1's probes had already found that S3 and S4 match up to index 2.
    for (long id : new long[] {3, 4}) {
      Progress p = c.raft(1).prs.progress.get(id);
      p.next = 3;
      p.probeSent = false;
      Replication.maybeSendAppend(c.raft(1), id, true);
    }
    c.stabilize();
    long holders = java.util.stream.LongStream.rangeClosed(1, 5)
        .filter(id -> c.raft(id).log.termOrZero(3) == 2).count();
    assertThat(holders).as("a majority stores the term-2 entry").isGreaterThanOrEqualTo(3);
    assertThat(c.raft(1).log.committed).as("but it is not committed by counting").isEqualTo(1);

    // (d) S1 crashes; S5 wins term 5 (its last term 3 beats the others' 2) and overwrites index 3.
    c.heal();
    c.isolate(1);
    c.electionTimeout(5);
    c.stabilize();
    c.tickAll(1);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(5);
    for (long id = 2; id <= 5; id++) {
      assertThat(c.raft(id).log.termOrZero(3)).isEqualTo(3);
      assertThat(c.appliedData.get(id)).contains("e3t3").doesNotContain("e3t2");
    }
  }

  @Test
  void leaderPipelinesAppendsUpToTheInflightWindow() {
    ScriptedCluster c = new ScriptedCluster(2, cfg -> new RaftConfig(
        cfg.id(), 10, 1, true, true, 2, 1, 0, ScriptedCluster.ZERO));
    c.electionTimeout(1);
    c.stabilize();
    Raft leader = c.raft(1);
    assertThat(leader.prs.progress.get(2L).state).isEqualTo(ProgressState.REPLICATE);

    for (int i = 0; i < 4; i++) {
      c.propose(1, "x" + i);
    }
    // One entry per message (1-byte limit), two messages in flight, then the follower must ack.
    List<Message> apps = c.node(1).ready().messages();
    assertThat(apps).hasSize(2);
    assertThat(apps).allSatisfy(m -> assertThat(m.entries()).hasSize(1));
    assertThat(leader.prs.progress.get(2L).isPaused()).isTrue();
  }

  @Test
  void appendsAreBatchedUpToMaxSizePerMessage() {
    ScriptedCluster c = new ScriptedCluster(2, cfg -> new RaftConfig(
        cfg.id(), 10, 1, true, true, 256, 10, 0, ScriptedCluster.ZERO));
    c.electionTimeout(1);
    c.stabilize();
    c.isolate(2);
    for (int i = 0; i < 6; i++) {
      c.propose(1, "abcd" + i); // 5 bytes each
    }
    c.stabilize();
    c.heal();
    c.raft(1).prs.progress.get(2L).becomeProbe();
    Replication.maybeSendAppend(c.raft(1), 2, true);
    List<String> t = c.stabilize();
    assertThat(t).anySatisfy(l -> assertThat(l).contains("entries=[2/3[5b], 2/4[5b]]"));
    assertThat(c.appliedData.get(2L)).containsExactly("abcd0", "abcd1", "abcd2", "abcd3", "abcd4", "abcd5");
  }

  @Test
  void proposalsBeyondTheUncommittedLimitAreRefused() {
    ScriptedCluster c = new ScriptedCluster(3, cfg -> new RaftConfig(
        cfg.id(), 10, 1, true, true, 256, 1024, 10, ScriptedCluster.ZERO));
    c.electionTimeout(1);
    c.stabilize();
    c.isolate(2);
    c.isolate(3);
    c.propose(1, "123456");
    assertThatThrownBy(() -> c.propose(1, "123456"))
        .isInstanceOfSatisfying(ProposalDroppedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProposalDroppedException.Reason.UNCOMMITTED_LIMIT_EXCEEDED));
    c.heal();
    c.tickAll(1);
    c.stabilize();
    assertThat(c.appliedData.get(3L)).containsExactly("123456");
    c.propose(1, "123456"); // room again once committed and applied
  }

  @Test
  void followerRefusesProposals() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);
    c.stabilize();
    assertThatThrownBy(() -> c.propose(2, "x"))
        .isInstanceOfSatisfying(ProposalDroppedException.class, e -> {
          assertThat(e.reason()).isEqualTo(ProposalDroppedException.Reason.NOT_LEADER);
          assertThat(e.leader()).isEqualTo(1);
        });
  }

  @Test
  void committedEntriesAreAppliedEverywhereInOrder() {
    ScriptedCluster c = new ScriptedCluster(5);
    c.electionTimeout(3);
    c.stabilize();
    for (int i = 0; i < 20; i++) {
      c.propose(3, "v" + i);
      if (i % 3 == 0) {
        c.stabilize();
      }
    }
    c.stabilize();
    for (long id = 1; id <= 5; id++) {
      assertThat(c.appliedData.get(id)).hasSize(20).startsWith("v0", "v1").endsWith("v19");
    }
  }

  private static Message ack(long from, long term, long index) {
    return Message.builder(MessageType.APP_RESP).from(from).to(1).term(term).index(index).build();
  }
}
