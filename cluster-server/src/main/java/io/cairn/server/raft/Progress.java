package io.cairn.server.raft;

/**
 * The leader's view of one peer (Raft fig. 2's matchIndex/nextIndex), plus the flow-control state
 * that decides when more appends may be sent.
 */
final class Progress {
  long match;
  long next;
  ProgressState state = ProgressState.PROBE;
  /** In SNAPSHOT state: the index of the snapshot in flight. */
  long pendingSnapshot;
  /** Heard from since the last check-quorum round. */
  boolean recentActive;
  /** In PROBE state: an append is outstanding, so wait for its answer (or a heartbeat reply). */
  boolean probeSent;
  final Inflights inflights;
  boolean learner;

  Progress(long next, int maxInflight, boolean learner) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.learner = learner;
  }

  private void resetState(ProgressState s) {
    probeSent = false;
    pendingSnapshot = 0;
    state = s;
    inflights.reset();
  }

  void becomeProbe() {
    if (state == ProgressState.SNAPSHOT) {
      // The snapshot may have been applied: resume right after it rather than rediscovering.
      long pending = pendingSnapshot;
      resetState(ProgressState.PROBE);
      next = Math.max(match + 1, pending + 1);
    } else {
      resetState(ProgressState.PROBE);
      next = match + 1;
    }
  }

  void becomeReplicate() {
    resetState(ProgressState.REPLICATE);
    next = match + 1;
  }

  void becomeSnapshot(long snapshotIndex) {
    resetState(ProgressState.SNAPSHOT);
    pendingSnapshot = snapshotIndex;
  }

  /** An acknowledgement up to n; false if it was stale. */
  boolean maybeUpdate(long n) {
    boolean updated = false;
    if (match < n) {
      match = n;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, n + 1);
    return updated;
  }

  /**
   * A rejection of the append that started after {@code rejected}; {@code matchHint} is the
   * highest index the follower's log might match at. False if the rejection is stale.
   */
  boolean maybeDecrTo(long rejected, long matchHint) {
    if (state == ProgressState.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
      // The follower lost entries we thought it had (e.g. it crashed before persisting): probe.
      next = match + 1;
      return true;
    }
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
    probeSent = false;
    return true;
  }

  /** Record that an append with entries up to lastIndex was sent. */
  void sentEntries(long lastIndex, boolean hadEntries) {
    switch (state) {
      case REPLICATE -> {
        if (hadEntries) {
          next = lastIndex + 1;
          inflights.add(lastIndex);
        }
      }
      case PROBE -> probeSent = true;
      case SNAPSHOT -> throw new IllegalStateException("append while sending snapshot");
    }
  }

  boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  @Override
  public String toString() {
    return state + " match=" + match + " next=" + next
        + (learner ? " learner" : "")
        + (state == ProgressState.SNAPSHOT ? " pendingSnap=" + pendingSnapshot : "")
        + (probeSent ? " paused" : "")
        + " inflight=" + inflights.count();
  }
}
