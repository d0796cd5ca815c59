package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Log compaction and snapshot installation, Raft §7. */
class SnapshotTest {

  private static ScriptedCluster leaderWithCompactedLogAndLaggingFollower3() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);
    c.stabilize();
    c.isolate(3);
    for (int i = 0; i < 10; i++) {
      c.propose(1, "v" + i);
    }
    c.stabilize();
    c.compact(1);
    assertThat(c.storages.get(1L).firstIndex()).isEqualTo(13);
    c.heal();
    return c;
  }

  @Test
  void followerBehindTheLeadersFirstIndexIsSentASnapshot_7() {
    ScriptedCluster c = leaderWithCompactedLogAndLaggingFollower3();
    c.tickAll(1); // heartbeat → response → append probe → rejection → snapshot
    List<String> t = c.stabilize();

    assertThat(t).anySatisfy(l -> assertThat(l).startsWith("1->3 SNAP t2 Snapshot[SnapshotMeta[index=12, term=2"));
    assertThat(c.storages.get(3L).snapshot().index()).isEqualTo(12);
    assertThat(c.raft(3).log.committed).isEqualTo(12);
    assertThat(c.raft(1).prs.progress.get(3L).state).isEqualTo(ProgressState.REPLICATE);

    // Replication continues from the snapshot.
    c.propose(1, "after");
    c.stabilize();
    assertThat(c.appliedData.get(3L)).containsExactly("after");
    assertThat(c.raft(3).log.committed).isEqualTo(13);
  }

  @Test
  void nodeRestartedFromSnapshotAndLogResumesWhereItWas() {
    ScriptedCluster c = leaderWithCompactedLogAndLaggingFollower3();
    c.tickAll(1);
    c.stabilize();
    c.propose(1, "after");
    c.stabilize();

    RaftNode restarted = c.add(3, c.storages.get(3L));
    assertThat(restarted.raft().term).isEqualTo(2);
    assertThat(restarted.raft().log.committed).isEqualTo(13);
    assertThat(restarted.raft().log.firstIndex()).isEqualTo(13);
    assertThat(restarted.raft().prs.config.voters()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void followerAlreadyHoldingTheSnapshotsLastEntryOnlyAdvancesItsCommit() {
    ScriptedCluster c = new ScriptedCluster(3);
    c.electionTimeout(1);
    c.stabilize();
    Raft f = c.raft(2);
    long last = f.log.lastIndex();
    Snapshot s =
        new Snapshot(new SnapshotMeta(last, f.log.termOrZero(last), f.prs.config), null);
    // Simulate a commit index lagging behind (e.g. the heartbeat carrying it was lost).
    f.log.committed = 1;
    f.log.applied = 1;
    assertThat(FollowerBehavior.restore(f, s)).isFalse();
    assertThat(f.log.committed).isEqualTo(last);
    assertThat(f.log.hasPendingSnapshot()).isFalse();
  }

  @Test
  void failedSnapshotReportReturnsTheFollowerToProbing() {
    ScriptedCluster c = leaderWithCompactedLogAndLaggingFollower3();
    c.dropWhen(m -> m.type() == MessageType.SNAP);
    c.tickAll(1);
    c.stabilize();
    Progress p = c.raft(1).prs.progress.get(3L);
    assertThat(p.state).isEqualTo(ProgressState.SNAPSHOT);

    c.node(1).reportSnapshot(3, false);
    assertThat(p.state).isEqualTo(ProgressState.PROBE);
    assertThat(p.isPaused()).as("waits for a heartbeat round before retrying").isTrue();

    c.heal();
    c.tickAll(1);
    c.stabilize();
    assertThat(c.storages.get(3L).snapshot().index()).isEqualTo(12);
  }

  @Test
  void memoryStorageKeepsTheSnapshotTermForTheEntryBeforeItsFirstIndex() {
    MemoryStorage s = MemoryStorage.bootstrap(ConfState.ofVoters(1L));
    s.append(List.of(Entry.data(2, 2, null), Entry.data(2, 3, null), Entry.data(3, 4, null)));
    s.createSnapshot(3, ConfState.ofVoters(1L), null);
    s.compact(3);
    assertThat(s.firstIndex()).isEqualTo(4);
    assertThat(s.term(3)).isEqualTo(2);
    assertThat(s.entries(4, 5, Long.MAX_VALUE)).extracting(Entry::term).containsExactly(3L);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.entries(3, 5, 100))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.COMPACTED));
  }
}
