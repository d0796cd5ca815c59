package io.cairn.server.raft;

import java.util.Set;
import java.util.TreeSet;

/** Cluster membership: voters count in quorums; learners only receive the log. */
public record ConfState(Set<Long> voters, Set<Long> learners) {
  public static final ConfState EMPTY = new ConfState(Set.of(), Set.of());

  public ConfState {
    // Sorted, immutable copies: iteration order feeds message order, which must be deterministic.
    voters = java.util.Collections.unmodifiableSet(new TreeSet<>(voters));
    learners = java.util.Collections.unmodifiableSet(new TreeSet<>(learners));
    for (Long l : learners) {
      if (voters.contains(l)) {
        throw new IllegalArgumentException("node " + l + " is both voter and learner");
      }
    }
  }

  public static ConfState ofVoters(Long... ids) {
    return new ConfState(Set.of(ids), Set.of());
  }

  public boolean contains(long id) {
    return voters.contains(id) || learners.contains(id);
  }
}
