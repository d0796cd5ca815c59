package io.cairn.server.raft;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/** Majority arithmetic over a voter set (no joint configurations: changes are single-server). */
final class Quorum {
  enum VoteResult {
    WON,
    LOST,
    PENDING
  }

  private Quorum() {}

  static int majority(int voters) {
    return voters / 2 + 1;
  }

  /**
   * The largest index acknowledged by a majority: sort the voters' match indexes and take the one
   * a majority has reached (Raft fig. 2, "if there exists an N such that a majority of
   * matchIndex[i] >= N"). An empty voter set commits nothing.
   */
  static long committedIndex(Set<Long> voters, LongUnaryOperator matchOf) {
    int n = voters.size();
    if (n == 0) {
      return 0;
    }
    long[] m = new long[n];
    int i = 0;
    for (long id : voters) {
      m[i++] = matchOf.applyAsLong(id);
    }
    Arrays.sort(m);
    return m[n - majority(n)];
  }

  /** Outcome of an election (or a leadership check) given who answered and how. */
  static VoteResult voteResult(Set<Long> voters, Map<Long, Boolean> votes) {
    if (voters.isEmpty()) {
      return VoteResult.WON;
    }
    int granted = 0;
    int missing = 0;
    for (long id : voters) {
      Boolean v = votes.get(id);
      if (v == null) {
        missing++;
      } else if (v) {
        granted++;
      }
    }
    int q = majority(voters.size());
    if (granted >= q) {
      return VoteResult.WON;
    }
    if (granted + missing >= q) {
      return VoteResult.PENDING;
    }
    return VoteResult.LOST;
  }
}
