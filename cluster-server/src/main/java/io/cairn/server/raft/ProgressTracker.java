package io.cairn.server.raft;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Membership plus per-peer progress and the current election's votes. Iteration is in id order
 * so the messages a node emits are deterministic.
 */
final class ProgressTracker {
  private final int maxInflight;
  ConfState config = ConfState.EMPTY;
  final TreeMap<Long, Progress> progress = new TreeMap<>();
  final Map<Long, Boolean> votes = new HashMap<>();

  ProgressTracker(int maxInflight) {
    this.maxInflight = maxInflight;
  }

  /**
   * Switches to a new membership. Peers already tracked keep their progress; new ones start at
   * {@code nextIndex} as probes and count as recently active, so check-quorum does not depose the
   * leader just because a member was added.
   */
  void applyConfig(ConfState cs, long nextIndex) {
    config = cs;
    progress.keySet().removeIf(id -> !cs.contains(id));
    BiConsumer<Long, Boolean> ensure =
        (id, learner) -> {
          Progress p = progress.get(id);
          if (p == null) {
            p = new Progress(nextIndex, maxInflight, learner);
            p.recentActive = true;
            progress.put(id, p);
          }
          p.learner = learner;
        };
    cs.voters().forEach(id -> ensure.accept(id, false));
    cs.learners().forEach(id -> ensure.accept(id, true));
  }

  boolean isVoter(long id) {
    return config.voters().contains(id);
  }

  long committedIndex() {
    return Quorum.committedIndex(
        config.voters(),
        id -> {
          Progress p = progress.get(id);
          return p == null ? 0 : p.match;
        });
  }

  void resetVotes() {
    votes.clear();
  }

  void recordVote(long id, boolean granted) {
    votes.putIfAbsent(id, granted);
  }

  Quorum.VoteResult tallyVotes() {
    return Quorum.voteResult(config.voters(), votes);
  }

  /** Check-quorum: has a majority of voters been heard from since the last check? */
  boolean quorumActive(long self) {
    Map<Long, Boolean> active = new HashMap<>();
    for (long id : config.voters()) {
      Progress p = progress.get(id);
      active.put(id, id == self || (p != null && p.recentActive));
    }
    return Quorum.voteResult(config.voters(), active) == Quorum.VoteResult.WON;
  }
}
