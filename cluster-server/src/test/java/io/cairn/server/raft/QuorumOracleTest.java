package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Quorum arithmetic against deliberately naive oracles over many random cases (Raft fig. 2's
 * commit rule; §5.2's majority vote).
 */
class QuorumOracleTest {
  private static final int CASES = 20_000;

  /** The largest N such that a majority of voters have match >= N, by trying every N. */
  private static long naiveCommitted(Map<Long, Long> match) {
    long best = 0;
    for (long n = 0; n <= 64; n++) {
      final long candidate = n;
      long atLeast = match.values().stream().filter(m -> m >= candidate).count();
      if (atLeast * 2 > match.size()) {
        best = n;
      }
    }
    return best;
  }

  private static Quorum.VoteResult naiveVote(int voters, int yes, int no) {
    if (yes * 2 > voters) {
      return Quorum.VoteResult.WON;
    }
    if (no * 2 >= voters) {
      // Enough refusals that even all outstanding answers cannot make a majority.
      return (voters - no) * 2 > voters ? Quorum.VoteResult.PENDING : Quorum.VoteResult.LOST;
    }
    return Quorum.VoteResult.PENDING;
  }

  @Test
  void committedIndexIsTheLargestIndexAMajorityHasReached() {
    SplittableRandom rnd = new SplittableRandom(20240601);
    for (int c = 0; c < CASES; c++) {
      int n = 1 + rnd.nextInt(9);
      Map<Long, Long> match = new HashMap<>();
      while (match.size() < n) {
        match.put(1L + rnd.nextInt(100), (long) rnd.nextInt(65));
      }
      long got = Quorum.committedIndex(new TreeSet<>(match.keySet()), match::get);
      assertThat(got).as("case %d: %s", c, match).isEqualTo(naiveCommitted(match));
    }
  }

  @Test
  void voteResultMatchesCounting() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int c = 0; c < CASES; c++) {
      int n = 1 + rnd.nextInt(9);
      TreeSet<Long> voters = new TreeSet<>();
      for (long id = 1; id <= n; id++) {
        voters.add(id);
      }
      Map<Long, Boolean> votes = new HashMap<>();
      int yes = 0;
      int no = 0;
      for (long id = 1; id <= n + 2; id++) { // ids above n are non-voters: must not count
        int r = rnd.nextInt(3);
        if (r == 0) {
          continue;
        }
        votes.put(id, r == 1);
        if (id <= n) {
          yes += r == 1 ? 1 : 0;
          no += r == 2 ? 1 : 0;
        }
      }
      assertThat(Quorum.voteResult(voters, votes))
          .as("case %d: %d voters, %s", c, n, votes)
          .isEqualTo(naiveVote(n, yes, no));
    }
  }

  @Test
  void majorityOfEvenAndOddClusters() {
    assertThat(Quorum.majority(1)).isEqualTo(1);
    assertThat(Quorum.majority(2)).isEqualTo(2);
    assertThat(Quorum.majority(3)).isEqualTo(2);
    assertThat(Quorum.majority(4)).isEqualTo(3);
    assertThat(Quorum.majority(5)).isEqualTo(3);
  }

  @Test
  void learnersNeverCountTowardsCommit() {
    ProgressTracker t = new ProgressTracker(8);
    t.applyConfig(new ConfState(java.util.Set.of(1L, 2L, 3L), java.util.Set.of(4L, 5L)), 1);
    t.progress.get(1L).match = 10;
    t.progress.get(4L).match = 10;
    t.progress.get(5L).match = 10;
    assertThat(t.committedIndex()).isZero();
    t.progress.get(2L).match = 7;
    assertThat(t.committedIndex()).isEqualTo(7);
  }
}
