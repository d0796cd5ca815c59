package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The log's follower-side rules (Raft §5.3) across storage and the unstable tail. */
class RaftLogTest {

  private static RaftLog logWithTerms(long... terms) {
    return new RaftLog(ScriptedCluster.storageWithTerms(ConfState.ofVoters(1L), 1, terms));
  }

  private static List<Entry> ents(long firstIndex, long... terms) {
    List<Entry> out = new java.util.ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      out.add(Entry.data(terms[i], firstIndex + i, null));
    }
    return out;
  }

  @Test
  void appendWithMatchingPrefixTruncatesOnlyTheConflictingSuffix() {
    RaftLog l = logWithTerms(1, 2, 2, 2); // indexes 2..5
    assertThat(l.maybeAppend(3, 2, 0, ents(4, 2, 3))).isEqualTo(5);
    assertThat(ScriptedCluster.termsOf(l)).containsExactly(1L, 2L, 2L, 3L);
  }

  @Test
  void appendOfEntriesAlreadyPresentLeavesLaterEntriesAlone() {
    RaftLog l = logWithTerms(1, 2, 2, 2);
    // A delayed duplicate must not cut the log back to what it carries.
    assertThat(l.maybeAppend(2, 1, 0, ents(3, 2))).isEqualTo(3);
    assertThat(l.lastIndex()).isEqualTo(5);
  }

  @Test
  void appendWithMismatchedPreviousEntryIsRejected() {
    RaftLog l = logWithTerms(1, 2);
    assertThat(l.maybeAppend(3, 3, 0, ents(4, 3))).isEqualTo(-1);
    assertThat(l.maybeAppend(7, 2, 0, ents(8, 3))).isEqualTo(-1);
  }

  @Test
  void commitFromLeaderIsCappedAtTheLastEntryItSent() {
    RaftLog l = logWithTerms(1, 2, 9, 9); // stale tail of term 9 beyond what the leader sent
    l.maybeAppend(2, 1, 100, ents(3, 2));
    assertThat(l.committed).isEqualTo(3);
  }

  @Test
  void conflictWithACommittedEntryIsAnInvariantViolation() {
    RaftLog l = logWithTerms(1, 2, 2);
    l.commitTo(4);
    assertThatThrownBy(() -> l.maybeAppend(2, 1, 0, ents(3, 3)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void findConflictByTermSkipsEveryEntryOfANewerTerm() {
    RaftLog l = logWithTerms(1, 1, 4, 4, 5, 5, 6, 6, 6);
    assertThat(l.findConflictByTerm(10, 3)).isEqualTo(3); // last index with term <= 3
    assertThat(l.findConflictByTerm(10, 6)).isEqualTo(10);
    assertThat(l.findConflictByTerm(7, 5)).isEqualTo(7);
  }

  @Test
  void upToDateComparesLastTermThenLength_5_4_1() {
    RaftLog l = logWithTerms(1, 2, 2);
    assertThat(l.isUpToDate(4, 2)).isTrue();
    assertThat(l.isUpToDate(3, 2)).isFalse();
    assertThat(l.isUpToDate(2, 3)).isTrue();
    assertThat(l.isUpToDate(99, 1)).isFalse();
  }

  @Test
  void unstableEntriesAreReadTogetherWithStoredOnesAndBecomeStable() {
    RaftLog l = logWithTerms(1, 1);
    l.append(ents(4, 2, 2));
    assertThat(l.slice(2, 6, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(2L, 3L, 4L, 5L);
    assertThat(l.unstableEntries()).hasSize(2);
    l.stableTo(5, 2);
    assertThat(l.unstableEntries()).isEmpty();
    // A stale acknowledgement of a replaced entry does not mark the new one stable.
    l.append(ents(5, 3));
    l.stableTo(5, 2);
    assertThat(l.unstableEntries()).hasSize(1);
  }
}
