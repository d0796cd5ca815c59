package io.cairn.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's log: durable storage followed by the unstable tail, plus the commit and applied
 * cursors. Invariant: {@code applied <= committed <= lastIndex()}, and {@code committed} only
 * grows.
 */
final class RaftLog {
  final Storage storage;
  final UnstableLog unstable;
  long committed;
  long applied;

  RaftLog(Storage storage) {
    this.storage = storage;
    long first = storage.firstIndex();
    long last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    // Everything up to the snapshot is committed and (by the driver) applied.
    this.committed = first - 1;
    this.applied = first - 1;
  }

  long firstIndex() {
    long i = unstable.maybeFirstIndex();
    return i >= 0 ? i : storage.firstIndex();
  }

  long lastIndex() {
    long i = unstable.maybeLastIndex();
    return i >= 0 ? i : storage.lastIndex();
  }

  long lastTerm() {
    return termOrZero(lastIndex());
  }

  /**
   * Term of entry i.
   *
   * @throws StorageException COMPACTED or UNAVAILABLE when i is outside the log
   */
  long term(long i) {
    long t = unstable.maybeTerm(i);
    if (t >= 0) {
      return t;
    }
    long dummy = firstIndex() - 1;
    if (i < dummy) {
      throw new StorageException(StorageException.Reason.COMPACTED, "term of " + i);
    }
    if (i > lastIndex()) {
      throw new StorageException(StorageException.Reason.UNAVAILABLE, "term of " + i);
    }
    return storage.term(i);
  }

  long termOrZero(long i) {
    try {
      return term(i);
    } catch (StorageException e) {
      return 0;
    }
  }

  boolean matchTerm(long i, long t) {
    try {
      return term(i) == t;
    } catch (StorageException e) {
      return false;
    }
  }

  /**
   * Follower side of AppendEntries (Raft §5.3): if our log has (index, logTerm), append what is
   * new, truncating a conflicting suffix, and learn the commit index. Returns the index of the last
   * entry the leader sent (our log now matches the leader's through it), or -1 on mismatch.
   */
  long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> ents) {
    if (!matchTerm(index, logTerm)) {
      return -1;
    }
    long lastNew = index + ents.size();
    long ci = findConflict(ents);
    if (ci != 0) {
      if (ci <= committed) {
        throw new IllegalStateException(
            "entry " + ci + " conflicts with committed entry (committed " + committed + ")");
      }
      append(ents.subList((int) (ci - (index + 1)), ents.size()));
    }
    // Only up to lastNew: beyond it our log may still hold entries the leader does not have.
    commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** First index among ents whose term differs from ours (or that we lack); 0 if none. */
  long findConflict(List<Entry> ents) {
    for (Entry e : ents) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /**
   * The largest index {@code <= index} whose term is {@code <= term}: no entry between it and
   * {@code index} can match a log whose entry at {@code index} has {@code term}, so the leader can
   * skip them all when backtracking (a refinement of Raft §5.3's optimisation).
   */
  long findConflictByTerm(long index, long term) {
    for (long i = index; i > 0; i--) {
      long t;
      try {
        t = term(i);
      } catch (StorageException e) {
        return i;
      }
      if (t <= term) {
        return i;
      }
    }
    return 0;
  }

  long append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return lastIndex();
    }
    long after = ents.get(0).index() - 1;
    if (after < committed) {
      throw new IllegalStateException("append after " + after + " is below committed " + committed);
    }
    unstable.truncateAndAppend(ents);
    return lastIndex();
  }

  /** Raft §5.4.1: is (lastIndex, lastTerm) at least as up to date as our log? */
  boolean isUpToDate(long lasti, long term) {
    long ourTerm = lastTerm();
    return term > ourTerm || (term == ourTerm && lasti >= lastIndex());
  }

  void commitTo(long toCommit) {
    if (toCommit > committed) {
      if (toCommit > lastIndex()) {
        throw new IllegalStateException(
            "commit " + toCommit + " beyond last index " + lastIndex());
      }
      committed = toCommit;
    }
  }

  /**
   * Commits up to maxIndex only if that entry is from the current term: entries of earlier terms
   * are committed indirectly (Raft §5.4.2, figure 8).
   */
  boolean maybeCommit(long maxIndex, long term) {
    if (maxIndex > committed && termOrZero(maxIndex) == term) {
      commitTo(maxIndex);
      return true;
    }
    return false;
  }

  void appliedTo(long i) {
    if (i == 0) {
      return;
    }
    if (i > committed || i < applied) {
      throw new IllegalStateException(
          "applied " + i + " out of range [" + applied + "," + committed + "]");
    }
    applied = i;
  }

  void stableTo(long i, long t) {
    unstable.stableTo(i, t);
  }

  void stableSnapTo(long i) {
    unstable.stableSnapTo(i);
  }

  void restore(Snapshot s) {
    committed = s.index();
    unstable.restore(s);
  }

  boolean hasPendingSnapshot() {
    return unstable.snapshot != null;
  }

  List<Entry> unstableEntries() {
    return List.copyOf(unstable.entries);
  }

  /** Committed entries not yet applied; none while a snapshot is pending (it must apply first). */
  List<Entry> nextCommittedEntries(long maxBytes) {
    if (hasPendingSnapshot()) {
      return List.of();
    }
    long lo = Math.max(applied + 1, firstIndex());
    if (committed + 1 <= lo) {
      return List.of();
    }
    return slice(lo, committed + 1, maxBytes);
  }

  boolean hasNextCommittedEntries() {
    return !hasPendingSnapshot() && committed > Math.max(applied, firstIndex() - 1);
  }

  Snapshot snapshot() {
    return unstable.snapshot != null ? unstable.snapshot : storage.snapshot();
  }

  /** Entries from i to the end, at most maxBytes (at least one). */
  List<Entry> entriesFrom(long i, long maxBytes) {
    if (i > lastIndex()) {
      return List.of();
    }
    return slice(i, lastIndex() + 1, maxBytes);
  }

  /**
   * Entries in [lo, hi) across storage and the unstable tail.
   *
   * @throws StorageException COMPACTED if lo precedes the first index
   */
  List<Entry> slice(long lo, long hi, long maxBytes) {
    if (lo < firstIndex()) {
      throw new StorageException(StorageException.Reason.COMPACTED, "slice from " + lo);
    }
    if (hi > lastIndex() + 1 || lo > hi) {
      throw new IllegalArgumentException("slice [" + lo + "," + hi + ") beyond " + lastIndex());
    }
    if (lo == hi) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    long size = 0;
    if (lo < unstable.offset) {
      List<Entry> stored = storage.entries(lo, Math.min(hi, unstable.offset), maxBytes);
      out.addAll(stored);
      for (Entry e : stored) {
        size += e.payloadSize();
      }
      // Storage stopped short because of the size limit: do not go on into the unstable part.
      if (stored.size() < Math.min(hi, unstable.offset) - lo) {
        return out;
      }
    }
    if (hi > unstable.offset) {
      for (Entry e : unstable.slice(Math.max(lo, unstable.offset), hi)) {
        size += e.payloadSize();
        if (!out.isEmpty() && size > maxBytes) {
          break;
        }
        out.add(e);
      }
    }
    return out;
  }
}
