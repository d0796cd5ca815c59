package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The driver-facing contract of {@link RaftNode}: Ready/advance, restarts, status. */
class RaftNodeTest {

  private static RaftNode single() {
    return new RaftNode(
        ScriptedCluster.config(1), MemoryStorage.bootstrap(ConfState.ofVoters(1L)));
  }

  @Test
  void readyReportsOnlyWhatChangedAndAdvanceConsumesIt() {
    MemoryStorage s = MemoryStorage.bootstrap(ConfState.ofVoters(1L));
    RaftNode n = new RaftNode(ScriptedCluster.config(1), s);
    assertThat(n.hasReady()).isFalse();

    n.campaign();
    Ready rd = n.ready();
    assertThat(rd.softState()).isEqualTo(new SoftState(1, Role.LEADER));
    assertThat(rd.hardState()).isEqualTo(new HardState(2, 1, 2));
    assertThat(rd.entries()).extracting(Entry::index).containsExactly(2L);
    assertThat(rd.committedEntries()).extracting(Entry::index).containsExactly(2L);
    assertThat(rd.mustSync()).isTrue();
    s.append(rd.entries());
    s.setHardState(rd.hardState());
    n.advance(rd);
    assertThat(n.hasReady()).isFalse();

    n.propose(new byte[] {7});
    rd = n.ready();
    assertThat(rd.softState()).isNull();
    assertThat(rd.hardState()).isEqualTo(new HardState(2, 1, 3));
    assertThat(rd.committedEntries()).singleElement().satisfies(e -> assertThat(e.data()).containsExactly(7));
  }

  @Test
  void readyMustBeAdvancedBeforeTheNext() {
    RaftNode n = single();
    n.campaign();
    Ready rd = n.ready();
    assertThatThrownBy(n::ready).isInstanceOf(IllegalStateException.class);
    n.advance(rd);
    assertThatThrownBy(() -> n.advance(rd)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void restartResumesTermVoteCommitAndAppliedIndex() {
    MemoryStorage s = MemoryStorage.bootstrap(ConfState.ofVoters(1L));
    RaftNode n = new RaftNode(ScriptedCluster.config(1), s);
    n.campaign();
    for (int i = 0; i < 3; i++) {
      Ready rd = n.ready();
      s.append(rd.entries());
      if (rd.hardState() != null) {
        s.setHardState(rd.hardState());
      }
      n.advance(rd);
      n.propose(new byte[] {(byte) i});
    }
    Ready last = n.ready();
    s.append(last.entries());
    s.setHardState(last.hardState());
    // Crash before applying the last batch: the driver had applied up to index 4.
    RaftNode restarted = new RaftNode(ScriptedCluster.config(1).withApplied(4), s);
    assertThat(restarted.status().hardState()).isEqualTo(new HardState(2, 1, 5));
    assertThat(restarted.status().softState().role()).isEqualTo(Role.FOLLOWER);
    Ready rd = restarted.ready();
    assertThat(rd.committedEntries()).extracting(Entry::index).containsExactly(5L);
  }

  @Test
  void localOnlyMessagesAndProposalsFromTheWireAreIgnored() {
    RaftNode n = single();
    n.campaign();
    n.advance(n.ready());
    n.step(Message.builder(MessageType.SNAP_STATUS).from(2).to(1).term(2).build());
    n.step(Message.builder(MessageType.PROP).from(2).to(1).term(2)
        .entries(List.of(Entry.data(0, 0, new byte[] {1}))).build());
    assertThat(n.hasReady()).isFalse();
  }

  @Test
  void statusShowsLeaderProgressAndMembership() {
    ScriptedCluster c = new ScriptedCluster(0);
    ConfState cs = new ConfState(Set.of(1L, 2L), Set.of(3L));
    for (long id = 1; id <= 3; id++) {
      c.add(id, MemoryStorage.bootstrap(cs));
    }
    c.electionTimeout(1);
    c.stabilize();
    Status st = c.node(1).status();
    assertThat(st.softState()).isEqualTo(new SoftState(1, Role.LEADER));
    assertThat(st.config()).isEqualTo(cs);
    assertThat(st.progress()).containsOnlyKeys(1L, 2L, 3L);
    assertThat(st.progress().get(3L).learner()).isTrue();
    assertThat(st.progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
    assertThat(st.progress().get(2L).match()).isEqualTo(2);
    assertThat(c.node(2).status().progress()).isEmpty();
  }

  @Test
  void configurationIsValidated() {
    assertThatThrownBy(() -> new RaftConfig(0, 10, 1, true, true, 1, 1, 0, ScriptedCluster.ZERO))
        .hasMessageContaining("id");
    assertThatThrownBy(() -> new RaftConfig(1, 1, 1, true, true, 1, 1, 0, ScriptedCluster.ZERO))
        .hasMessageContaining("electionTicks");
    assertThatThrownBy(() -> new RaftConfig(1, 10, 1, true, true, 1, 1, 0, null))
        .hasMessageContaining("random");
  }

  @Test
  void proposeAllAppendsABatchWithOneAppendPerFollower() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);
    c.stabilize();
    assertThat(c.leader()).isEqualTo(1);
    c.node(1).proposeAll(List.of("a".getBytes(), "b".getBytes(), "c".getBytes()));
    List<String> transcript = c.stabilize();
    // One append to each follower carries all three entries.
    assertThat(transcript.stream().filter(m -> m.contains(" APP ") && m.contains("entries=")))
        .hasSize(2);
    for (long id = 1; id <= 3; id++) {
      assertThat(c.appliedData.get(id)).containsExactly("a", "b", "c");
    }
  }
}
